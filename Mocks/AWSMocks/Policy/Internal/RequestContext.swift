/// The condition keys of one request and their values. IAM compares key names without regard
/// to case (`aws:username` is `AWS:UserName`), so they are stored lower-cased.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
struct RequestContext: Sendable, Equatable {
    private var storage: [String: [String]]

    init(_ values: [String: [String]] = [:]) {
        storage = [:]
        for (key, value) in values {
            storage[key.lowercased(), default: []] += value
        }
    }

    func values(for key: String) -> [String]? {
        storage[key.lowercased()]
    }

    /// Sets `key` unless the caller already gave it: what the request itself says wins over
    /// what the evaluator derives (`aws:PrincipalArn` and friends).
    mutating func setDefault(_ key: String, _ values: [String]) {
        let key = key.lowercased()
        if storage[key] == nil {
            storage[key] = values
        }
    }
}
