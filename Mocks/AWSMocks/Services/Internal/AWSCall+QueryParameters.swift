/// Typed access to query-protocol parameters, failing as RDS does on values that do not parse.
extension AWSCall {
    /// An optional boolean (`true`/`false`, as botocore writes them).
    func bool(_ name: String) throws(AWSServiceError) -> Bool? {
        guard let text = parameters[name] else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalidParameterValue("Invalid boolean value '\(text)' for parameter \(name)")
        }
    }

    func int(_ name: String) throws(AWSServiceError) -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int(text) else { throw .invalidParameterValue("Invalid integer value '\(text)' for parameter \(name)") }
        return value
    }

    /// `Filters.Filter.N.Name` with `Filters.Filter.N.Values.Value.M`, in order.
    func filters() -> [(name: String, values: [String])] {
        var filters: [(name: String, values: [String])] = []
        var index = 1
        while let name = parameters["Filters.Filter.\(index).Name"] {
            filters.append((name, list("Filters.Filter.\(index).Values", member: "Value")))
            index += 1
        }
        return filters
    }
}

extension AWSServiceError {
    /// RDS's (and most query services') `InvalidParameterValue`.
    static func invalidParameterValue(_ message: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "InvalidParameterValue", message: message)
    }
}
