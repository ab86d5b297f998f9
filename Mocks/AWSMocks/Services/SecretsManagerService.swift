import Foundation

/// Secrets Manager 2017-10-17 (JSON 1.1, `X-Amz-Target: secretsmanager.<Action>`): create, read,
/// put, describe and list secrets. Dates are epoch seconds, as the service sends them.
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/Welcome.html
public struct SecretsManagerService: MockAWSService {
    public let signingName = "secretsmanager"
    public let targetPrefix: String? = "secretsmanager"
    let world: MockAWSWorld
    let store: MockSecretsStore
    /// Where created secrets live (`AWSCall` does not carry the signing region).
    let region: String

    public init(world: MockAWSWorld, store: MockSecretsStore, region: String = "us-east-1") {
        self.world = world
        self.store = store
        self.region = region
    }

    public func handle(_ call: AWSCall) async throws(AWSServiceError) -> AWSReply {
        guard let caller = call.caller else { throw .missingAuthentication }
        let body: [String: Any]
        switch call.action {
        case "CreateSecret": body = try createSecret(call, caller: caller)
        case "GetSecretValue": body = try getSecretValue(call, caller: caller)
        case "PutSecretValue": body = try putSecretValue(call, caller: caller)
        case "DescribeSecret": body = try describeSecret(call, caller: caller)
        case "ListSecrets": body = try listSecrets(call, caller: caller)
        default: throw AWSServiceError(status: 400, code: "UnknownOperationException", message: "Unknown operation \(call.action)")
        }
        return WireFormat.jsonResponse(body, requestID: call.requestID)
    }

    func createSecret(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> [String: Any] {
        let request = try call.decode(SecretsManagerRequest.self)
        let name = try SecretsManagerRequest.validated(request.name, field: "name", length: 1...512)
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+=.@-!".contains($0)) }) else {
            throw .secretsInvalidParameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
        }
        try request.validateValue()
        try world.requireAllowed(
            caller, action: "secretsmanager:CreateSecret", resource: "arn:aws:secretsmanager:\(region):\(caller.accountID):secret:\(name)",
            status: 400, code: "AccessDeniedException"
        )
        let tags = (request.tags ?? []).map { MockTag(key: $0.key ?? "", value: $0.value ?? "") }
        let (secret, versionID) = try store.create(
            name: name, accountID: caller.accountID, region: region, description: request.description,
            string: request.secretString, binary: request.secretBinary, token: request.clientRequestToken, tags: tags
        )
        var body: [String: Any] = ["ARN": secret.arn, "Name": secret.name]
        body["VersionId"] = versionID
        return body
    }

    func getSecretValue(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> [String: Any] {
        let request = try call.decode(SecretsManagerRequest.self)
        let secretID = try authorize(request, "secretsmanager:GetSecretValue", caller)
        let (secret, version) = try store.value(secretID, accountID: caller.accountID, versionID: request.versionID, stage: request.versionStage)
        var body: [String: Any] = [
            "ARN": secret.arn, "Name": secret.name, "VersionId": version.id, "VersionStages": version.stages,
            "CreatedDate": version.createdAt.timeIntervalSince1970,
        ]
        body["SecretString"] = version.secretString
        body["SecretBinary"] = version.secretBinary
        return body
    }

    func putSecretValue(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> [String: Any] {
        let request = try call.decode(SecretsManagerRequest.self)
        let secretID = try authorize(request, "secretsmanager:PutSecretValue", caller)
        guard request.secretString != nil || request.secretBinary != nil else {
            throw .secretsInvalidParameter("You must provide either SecretString or SecretBinary.")
        }
        try request.validateValue()
        if let stages = request.versionStages, stages.isEmpty || stages.count > 20 {
            throw .secretsValidation("Value at 'versionStages' failed to satisfy constraint: Member must have length between 1 and 20")
        }
        let (secret, version) = try store.putValue(
            secretID, accountID: caller.accountID, string: request.secretString, binary: request.secretBinary,
            token: request.clientRequestToken, stages: request.versionStages
        )
        return ["ARN": secret.arn, "Name": secret.name, "VersionId": version.id, "VersionStages": version.stages]
    }

    func describeSecret(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> [String: Any] {
        let request = try call.decode(SecretsManagerRequest.self)
        let secretID = try authorize(request, "secretsmanager:DescribeSecret", caller)
        guard let secret = store.secret(secretID, accountID: caller.accountID) else { throw .secretNotFound }
        var body = Self.entry(secret)
        body["VersionIdsToStages"] = body.removeValue(forKey: "SecretVersionsToStages")
        return body
    }

    /// Filters: `name`, `description`, `tag-key`, `tag-value`, `all`; values are case-insensitive
    /// prefixes, `!` negates. Several values of one key: any; several keys: all.
    func listSecrets(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> [String: Any] {
        let request = try call.decode(SecretsManagerRequest.self)
        try world.requireAllowed(caller, action: "secretsmanager:ListSecrets", resource: "*", status: 400, code: "AccessDeniedException")
        let maxResults = request.maxResults ?? 100
        guard (1...100).contains(maxResults) else {
            throw .secretsValidation("Value '\(maxResults)' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100")
        }
        var secrets = store.list(accountID: caller.accountID)
        for filter in request.filters ?? [] {
            let key = filter.key ?? ""
            let fields: (MockSecret) -> [String]
            switch key {
            case "name": fields = { [$0.name] }
            case "description": fields = { [$0.description ?? ""] }
            case "tag-key": fields = { $0.tags.map(\.key) }
            case "tag-value": fields = { $0.tags.map(\.value) }
            case "all": fields = { [$0.name, $0.description ?? ""] + $0.tags.flatMap { [$0.key, $0.value] } }
            case "primary-region", "owning-service": fields = { _ in [] }
            default:
                throw .secretsValidation(
                    "Value '\(key)' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: "
                        + "[all, name, tag-key, description, tag-value, primary-region, owning-service]"
                )
            }
            let values = filter.values ?? []
            secrets = secrets.filter { secret in
                let candidates = fields(secret).map { $0.lowercased() }
                return values.contains { value in
                    let negated = value.hasPrefix("!")
                    let prefix = (negated ? String(value.dropFirst()) : value).lowercased()
                    return candidates.contains { $0.hasPrefix(prefix) } != negated
                }
            }
        }
        if request.sortOrder == "desc" { secrets.reverse() }
        var start = 0
        if let token = request.nextToken {
            guard let data = Data(base64Encoded: token), let offset = Int(String(decoding: data, as: UTF8.self)), offset >= 0 else {
                throw AWSServiceError(status: 400, code: "InvalidNextTokenException", message: "The NextToken value is invalid.")
            }
            start = min(offset, secrets.count)
        }
        let end = min(secrets.count, start + maxResults)
        var body: [String: Any] = ["SecretList": secrets[start..<end].map(Self.entry)]
        if end < secrets.count { body["NextToken"] = Data(String(end).utf8).base64EncodedString() }
        return body
    }

    /// `SecretListEntry` (DescribeSecret names the version map `VersionIdsToStages`).
    static func entry(_ secret: MockSecret) -> [String: Any] {
        var entry: [String: Any] = [
            "ARN": secret.arn, "Name": secret.name, "CreatedDate": secret.createdAt.timeIntervalSince1970,
            "LastChangedDate": secret.lastChangedAt.timeIntervalSince1970, "SecretVersionsToStages": secret.versionsToStages,
        ]
        entry["Description"] = secret.description
        entry["LastAccessedDate"] = secret.lastAccessedAt?.timeIntervalSince1970
        if !secret.tags.isEmpty { entry["Tags"] = secret.tags.map { ["Key": $0.key, "Value": $0.value] } }
        return entry
    }

    /// Checks `action` on the secret's ARN (or, for a secret that does not exist, the ARN its
    /// name would have: a caller without access learns nothing), and returns the SecretId.
    func authorize(_ request: SecretsManagerRequest, _ action: String, _ caller: MockPrincipal) throws(AWSServiceError) -> String {
        let secretID = try SecretsManagerRequest.validated(request.secretID, field: "secretId", length: 1...2048)
        let resource = store.secret(secretID, accountID: caller.accountID)?.arn
            ?? (secretID.hasPrefix("arn:") ? secretID : "arn:aws:secretsmanager:\(region):\(caller.accountID):secret:\(secretID)")
        try world.requireAllowed(caller, action: action, resource: resource, status: 400, code: "AccessDeniedException")
        return secretID
    }
}

extension AWSServiceError {
    static func secretsInvalidParameter(_ message: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "InvalidParameterException", message: message)
    }

    /// The JSON services' constraint failure, worded as AWS's request validation words it.
    static func secretsValidation(_ detail: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "ValidationException", message: "1 validation error detected: \(detail)")
    }
}
