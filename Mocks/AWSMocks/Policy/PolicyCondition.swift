/// One key test of a `Condition` block: `{"StringEquals": {"sts:ExternalId": ["a", "b"]}}`
/// becomes one `PolicyCondition` per key.
///
/// A key missing from the request fails a positive operator and satisfies a negated one, except
/// with `…IfExists` (missing is fine) and `Null` (tests presence). Several values: any one may
/// match (OR); negated operators hold when none does (NOR).
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
public struct PolicyCondition: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals"
        case numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals"
        case dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress"
        case notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case arnNotEquals = "ArnNotEquals"
        case arnNotLike = "ArnNotLike"
        case null = "Null"
    }

    /// `ForAllValues:` / `ForAnyValue:`, for keys with several values in the request.
    public enum SetQualifier: String, Sendable, CaseIterable {
        case forAllValues = "ForAllValues"
        case forAnyValue = "ForAnyValue"
    }

    public let qualifier: SetQualifier?
    public let `operator`: Operator
    public let ifExists: Bool
    /// The key as written; looked up without regard to case.
    public let key: String
    public let values: [String]

    init(qualifier: SetQualifier?, operator: Operator, ifExists: Bool, key: String, values: [String]) {
        self.qualifier = qualifier
        self.operator = `operator`
        self.ifExists = ifExists
        self.key = key
        self.values = values
    }

    /// Reads an operator name such as `ForAnyValue:StringLikeIfExists`; nil if IAM knows no
    /// such operator. IAM's names are matched without regard to case.
    static func parseOperator(_ name: String) -> (SetQualifier?, Operator, ifExists: Bool)? {
        var rest = Substring(name)
        var qualifier: SetQualifier?
        if let colon = rest.firstIndex(of: ":") {
            let prefix = rest[..<colon].lowercased()
            guard let found = SetQualifier.allCases.first(where: { $0.rawValue.lowercased() == prefix }) else {
                return nil
            }
            qualifier = found
            rest = rest[rest.index(after: colon)...]
        }
        var ifExists = false
        if rest.lowercased().hasSuffix("ifexists") {
            ifExists = true
            rest = rest.dropLast("IfExists".count)
        }
        let lower = rest.lowercased()
        guard let op = Operator.allCases.first(where: { $0.rawValue.lowercased() == lower }) else { return nil }
        // `Null` tests presence itself: no IfExists, no set qualifier.
        if op == .null, ifExists || qualifier != nil { return nil }
        return (qualifier, op, ifExists)
    }
}

extension PolicyCondition {
    /// Whether the condition holds for `context`. `variables` is the context again when the
    /// policy's version lets `${…}` stand for request values, nil when they are plain text.
    func holds(in context: RequestContext, variables: RequestContext?) -> Bool {
        let requestValues = context.values(for: key) ?? []
        if `operator` == .null {
            // "true": the key must be absent; "false": present.
            let wantsAbsent = values.contains { $0.lowercased() == "true" }
            let wantsPresent = values.contains { $0.lowercased() == "false" }
            return requestValues.isEmpty ? wantsAbsent : wantsPresent
        }
        let negated = `operator`.isNegated
        guard !requestValues.isEmpty else {
            if ifExists { return true }
            switch qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case nil: return negated
            }
        }
        let policyValues = values.compactMap { ConditionValues.substitute($0, `operator`, variables) }
        let anyMatch = { (requestValue: String) in
            policyValues.contains { ConditionValues.matches(requestValue, $0, self.operator, variables) }
        }
        switch (qualifier, negated) {
        case (nil, false): return requestValues.contains(where: anyMatch)
        case (nil, true): return !requestValues.contains(where: anyMatch)
        case (.forAnyValue, false): return requestValues.contains(where: anyMatch)
        case (.forAnyValue, true): return requestValues.contains { !anyMatch($0) }
        case (.forAllValues, false): return requestValues.allSatisfy(anyMatch)
        case (.forAllValues, true): return requestValues.allSatisfy { !anyMatch($0) }
        }
    }
}

extension PolicyCondition.Operator {
    /// The `Not` operators: they hold where their positive form fails, and when the key is missing.
    var isNegated: Bool {
        switch self {
        case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals,
            .dateNotEquals, .notIpAddress, .arnNotEquals, .arnNotLike:
            return true
        case .stringEquals, .stringEqualsIgnoreCase, .stringLike, .numericEquals, .numericLessThan,
            .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals, .dateEquals,
            .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals, .bool,
            .binaryEquals, .ipAddress, .arnEquals, .arnLike, .null:
            return false
        }
    }
}
