/// Reads a `Principal`/`NotPrincipal` element.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
enum PrincipalParser {
    private static let types = ["AWS", "Service", "Federated", "CanonicalUser"]

    static func principal(_ value: Any, at place: String) throws(PolicyDocumentError) -> PolicyPrincipal {
        if let text = value as? String {
            guard text == "*" else { throw invalid("\"\(text)\"", at: place, "a bare string Principal can only be \"*\"") }
            return .anyone
        }
        guard let map = value as? [String: Any], !map.isEmpty else {
            throw PolicyDocumentError(
                .syntaxError, PolicyParser.syntaxErrors, at: place,
                detail: "Principal must be \"*\" or an object such as {\"AWS\": \"123456789012\"}"
            )
        }
        var values: [String: [String]] = [:]
        for (type, raw) in map.sorted(by: { $0.key < $1.key }) {
            guard types.contains(type) else {
                throw invalid("\"\(type)\"", at: place, "principal types are AWS, Service, Federated and CanonicalUser")
            }
            let list: [String]
            if let text = raw as? String {
                list = [text]
            } else if let array = raw as? [Any], !array.isEmpty, array.allSatisfy({ $0 is String }) {
                list = array.compactMap { $0 as? String }
            } else {
                throw invalid("\"\(type)\":\(PolicyParser.quoted(raw))", at: place, "expected a string or a list of strings")
            }
            for entry in list {
                try check(type: type, entry, at: place)
            }
            values[type] = list
        }
        return PolicyPrincipal(
            aws: values["AWS"] ?? [],
            service: values["Service"] ?? [],
            federated: values["Federated"] ?? [],
            canonicalUser: values["CanonicalUser"] ?? []
        )
    }

    private static func check(type: String, _ value: String, at place: String) throws(PolicyDocumentError) {
        let shown = "\"\(type)\":\"\(value)\""
        if value.isEmpty {
            throw invalid(shown, at: place, "the value is empty")
        }
        if value != "*", value.contains("*") || value.contains("?") {
            throw invalid(shown, at: place, "a principal cannot hold wildcards; use \"*\" with a condition on aws:PrincipalArn")
        }
        guard type == "AWS", value != "*" else { return }
        if PolicyPrincipal.accountNamed(by: value) != nil || PrincipalIdentity(arn: value) != nil || isRoleARN(value) {
            return
        }
        throw invalid(shown, at: place, "expected an account ID or the ARN of an account root, user, role or session")
    }

    /// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
    static func isRoleARN(_ value: String) -> Bool {
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[3].isEmpty
            && PrincipalIdentity.isAccountID(parts[4]) && parts[5].hasPrefix("role/") && !parts[5].hasSuffix("/")
    }

    private static func invalid(_ shown: String, at place: String, _ detail: String) -> PolicyDocumentError {
        PolicyDocumentError(.invalidPrincipal, "Invalid principal in policy: \(shown)", at: place, detail: detail)
    }
}
