/// Reads a `Condition` block: `{operator: {key: value or [values]}}`.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
enum ConditionParser {
    static func conditions(_ value: Any?, at place: String) throws(PolicyDocumentError) -> [PolicyCondition] {
        guard let value else { return [] }
        guard let block = value as? [String: Any] else {
            throw syntax(at: place, "Condition must be an object of condition operators")
        }
        var conditions: [PolicyCondition] = []
        for (name, keys) in block.sorted(by: { $0.key < $1.key }) {
            guard let (qualifier, op, ifExists) = PolicyCondition.parseOperator(name) else {
                throw syntax(at: "\(place).\(name)", "\"\(name)\" is not a condition operator (StringEquals, ArnLike, Bool, …)")
            }
            guard let keys = keys as? [String: Any], !keys.isEmpty else {
                throw syntax(at: "\(place).\(name)", "an operator takes an object of condition keys and values")
            }
            for (key, raw) in keys.sorted(by: { $0.key < $1.key }) {
                let keyPlace = "\(place).\(name).\(key)"
                guard key.contains(":") else {
                    throw PolicyDocumentError(
                        .invalidAction, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
                        at: keyPlace, detail: "condition key \"\(key)\" has no prefix such as aws: or sts:"
                    )
                }
                let values: [String]
                if let array = raw as? [Any] {
                    let texts = array.compactMap(PolicyParser.scalarString)
                    guard texts.count == array.count else {
                        throw syntax(at: keyPlace, "condition values are strings, numbers or booleans")
                    }
                    values = texts
                } else if let text = PolicyParser.scalarString(raw) {
                    values = [text]
                } else {
                    throw syntax(at: keyPlace, "condition values are strings, numbers or booleans")
                }
                conditions.append(PolicyCondition(qualifier: qualifier, operator: op, ifExists: ifExists, key: key, values: values))
            }
        }
        return conditions
    }

    private static func syntax(at place: String, _ detail: String) -> PolicyDocumentError {
        PolicyDocumentError(.syntaxError, PolicyParser.syntaxErrors, at: place, detail: detail)
    }
}
