import Foundation

/// Comparing one request value with one policy value, per condition operator family.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
enum ConditionValues {
    /// The policy value after policy variables, for the operators that take them (string,
    /// `Bool`, ARN). `…Like` and `Arn…` patterns keep their `${…}` and resolve them while
    /// compiling, so that `${*}` stays a literal star. Nil: a variable without a value.
    static func substitute(
        _ value: String,
        _ op: PolicyCondition.Operator,
        _ variables: RequestContext?
    ) -> String? {
        guard let variables else { return value }
        switch op {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .bool:
            return PolicyVariables.substitute(value, variables)
        default:
            return value
        }
    }

    /// Whether `request` matches `policy` under the positive form of `op`.
    static func matches(
        _ request: String,
        _ policy: String,
        _ op: PolicyCondition.Operator,
        _ variables: RequestContext?
    ) -> Bool {
        switch op {
        case .stringEquals, .stringNotEquals, .binaryEquals:
            return request == policy
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .bool:
            return request.lowercased() == policy.lowercased()
        case .stringLike, .stringNotLike:
            return Wildcard.matches(policy, request, variables: variables)
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            return Wildcard.matchesARN(policy, request, variables: variables)
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals,
            .numericGreaterThan, .numericGreaterThanEquals:
            guard let lhs = Double(request), let rhs = Double(policy) else { return false }
            return compare(lhs, rhs, op)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
            .dateGreaterThanEquals:
            guard let lhs = date(request), let rhs = date(policy) else { return false }
            return compare(lhs, rhs, op)
        case .ipAddress, .notIpAddress:
            return IPRange(policy)?.contains(request) ?? false
        case .null:
            return false
        }
    }

    private static func compare<T: Comparable>(_ lhs: T, _ rhs: T, _ op: PolicyCondition.Operator) -> Bool {
        switch op {
        case .numericLessThan, .dateLessThan: lhs < rhs
        case .numericLessThanEquals, .dateLessThanEquals: lhs <= rhs
        case .numericGreaterThan, .dateGreaterThan: lhs > rhs
        case .numericGreaterThanEquals, .dateGreaterThanEquals: lhs >= rhs
        default: lhs == rhs
        }
    }

    /// W3C ISO 8601 (`2020-01-01`, `2020-01-01T00:00:01Z`, with fractions or an offset) or
    /// epoch seconds.
    static func date(_ text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        let optionSets: [ISO8601DateFormatter.Options] = [
            [.withInternetDateTime],
            [.withInternetDateTime, .withFractionalSeconds],
            [.withFullDate],
        ]
        for options in optionSets {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// An IPv4 or IPv6 CIDR range; an address without a prefix is a /32 (/128).
struct IPRange: Sendable, Equatable {
    let bytes: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.address(parts[0]) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let prefix, (0...bytes.count * 8).contains(prefix) else { return nil }
        self.bytes = bytes
        self.prefix = prefix
    }

    func contains(_ text: String) -> Bool {
        guard let address = Self.address(text[...]), address.count == bytes.count else { return false }
        for bit in 0..<prefix {
            let mask = UInt8(0x80) >> (bit % 8)
            if address[bit / 8] & mask != bytes[bit / 8] & mask { return false }
        }
        return true
    }

    static func address(_ text: Substring) -> [UInt8]? {
        if text.contains(":") { return ipv6(text) }
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        let bytes = octets.compactMap { $0.count <= 3 ? UInt8($0) : nil }
        return bytes.count == 4 ? bytes : nil
    }

    private static func ipv6(_ text: Substring) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ half: String) -> [UInt16]? {
            guard !half.isEmpty else { return [] }
            let values = half.split(separator: ":", omittingEmptySubsequences: false).map { group in
                group.count <= 4 ? UInt16(group, radix: 16) : nil
            }
            return values.contains(nil) ? nil : values.compactMap { $0 }
        }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let missing = 8 - head.count - tail.count
        guard halves.count == 2 ? missing >= 1 : missing == 0 else { return nil }
        let all = head + Array(repeating: 0, count: max(missing, 0)) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}
