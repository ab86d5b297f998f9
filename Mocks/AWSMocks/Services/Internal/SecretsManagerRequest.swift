/// The members of the Secrets Manager requests the mock serves, all optional so that a missing
/// one is answered as AWS answers it (ValidationException), not as a parse failure.
struct SecretsManagerRequest: Decodable {
    struct Tag: Decodable {
        let key: String?
        let value: String?
        enum CodingKeys: String, CodingKey { case key = "Key", value = "Value" }
    }

    struct Filter: Decodable {
        let key: String?
        let values: [String]?
        enum CodingKeys: String, CodingKey { case key = "Key", values = "Values" }
    }

    let name: String?
    let secretID: String?
    let secretString: String?
    /// Base64 text (the JSON protocol's blob encoding).
    let secretBinary: String?
    let description: String?
    let clientRequestToken: String?
    let versionID: String?
    let versionStage: String?
    let versionStages: [String]?
    let tags: [Tag]?
    let filters: [Filter]?
    let maxResults: Int?
    let nextToken: String?
    let sortOrder: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name", secretID = "SecretId", secretString = "SecretString", secretBinary = "SecretBinary"
        case description = "Description", clientRequestToken = "ClientRequestToken", versionID = "VersionId"
        case versionStage = "VersionStage", versionStages = "VersionStages", tags = "Tags", filters = "Filters"
        case maxResults = "MaxResults", nextToken = "NextToken", sortOrder = "SortOrder"
    }

    static func validated(_ value: String?, field: String, length: ClosedRange<Int>) throws(AWSServiceError) -> String {
        guard let value else { throw .secretsValidation("Value null at '\(field)' failed to satisfy constraint: Member must not be null") }
        guard length.contains(value.count) else {
            throw .secretsValidation("Value at '\(field)' failed to satisfy constraint: Member must have length between \(length.lowerBound) and \(length.upperBound)")
        }
        return value
    }

    /// At most one of SecretString and SecretBinary, each at most 64 KB; a token of 32…64 characters.
    func validateValue() throws(AWSServiceError) {
        if secretString != nil, secretBinary != nil {
            throw .secretsInvalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.")
        }
        if let secretString { _ = try Self.validated(secretString, field: "secretString", length: 1...65_536) }
        if let secretBinary { _ = try Self.validated(secretBinary, field: "secretBinary", length: 1...87_384) }
        if let clientRequestToken { _ = try Self.validated(clientRequestToken, field: "clientRequestToken", length: 32...64) }
    }
}
