import Foundation
import Synchronization

/// Secrets Manager's state: secrets by account, found by name, full ARN or ARN without the
/// random suffix. Rules (idempotent `ClientRequestToken`, label moves) follow the API reference:
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
public final class MockSecretsStore: Sendable {
    private let secrets: Mutex<[MockSecret]>
    private let initialSecrets: [MockSecret]
    private let clock: @Sendable () -> Date

    public init(secrets: [MockSecret] = [], clock: @escaping @Sendable () -> Date = { Date() }) {
        self.secrets = Mutex(secrets)
        initialSecrets = secrets
        self.clock = clock
    }

    public func reset() {
        secrets.withLock { $0 = initialSecrets }
    }

    public func secret(_ secretID: String, accountID: String) -> MockSecret? {
        secrets.withLock { all in all.first { Self.matches(secretID, $0, accountID: accountID) } }
    }

    /// The account's secrets in creation order.
    public func list(accountID: String) -> [MockSecret] {
        secrets.withLock { all in all.filter { $0.accountID == accountID } }
    }

    static func matches(_ secretID: String, _ secret: MockSecret, accountID: String) -> Bool {
        secret.accountID == accountID && (secretID == secret.name || secretID == secret.arn || secretID == secret.partialARN)
    }

    // MARK: Writes

    /// CreateSecret. The same token and value again is a no-op (the SDKs retry with the token they generated).
    public func create(
        name: String, accountID: String, region: String, description: String?, string: String?, binary: String?,
        token: String?, tags: [MockTag]
    ) throws(AWSServiceError) -> (secret: MockSecret, versionID: String?) {
        let now = clock()
        let result: Result<(MockSecret, String?), AWSServiceError> = secrets.withLock { all in
            if let existing = all.first(where: { $0.accountID == accountID && $0.name == name }) {
                if let token, let version = existing.versions.first(where: { $0.id == token }), version.sameValue(string: string, binary: binary) {
                    return .success((existing, token))
                }
                return .failure(AWSServiceError(status: 400, code: "ResourceExistsException", message: "The operation failed because the secret \(name) already exists."))
            }
            var secret = MockSecret(name: name, accountID: accountID, region: region, description: description, tags: tags, createdAt: now)
            var versionID: String?
            if string != nil || binary != nil {
                let id = token ?? UUID().uuidString.lowercased()
                secret.addVersion(.init(id: id, secretString: string, secretBinary: binary, stages: ["AWSCURRENT"], createdAt: now))
                versionID = id
            }
            all.append(secret)
            return .success((secret, versionID))
        }
        return try result.get()
    }

    /// PutSecretValue: a new version, `AWSCURRENT` unless other labels are given.
    public func putValue(
        _ secretID: String, accountID: String, string: String?, binary: String?, token: String?, stages: [String]?
    ) throws(AWSServiceError) -> (secret: MockSecret, version: MockSecret.Version) {
        let now = clock()
        let result: Result<(MockSecret, MockSecret.Version), AWSServiceError> = secrets.withLock { all in
            guard let index = all.firstIndex(where: { Self.matches(secretID, $0, accountID: accountID) }) else { return .failure(.secretNotFound) }
            let id = token ?? UUID().uuidString.lowercased()
            if let existing = all[index].versions.first(where: { $0.id == id }) {
                guard existing.sameValue(string: string, binary: binary) else {
                    return .failure(AWSServiceError(status: 400, code: "ResourceExistsException", message: "You can't modify an existing version, you can only create a new version."))
                }
                return .success((all[index], existing))
            }
            let version = MockSecret.Version(id: id, secretString: string, secretBinary: binary, stages: stages ?? ["AWSCURRENT"], createdAt: now)
            all[index].addVersion(version)
            return .success((all[index], all[index].versions.last!))
        }
        return try result.get()
    }

    /// GetSecretValue: by version id, by label, or `AWSCURRENT`; records the access day.
    public func value(
        _ secretID: String, accountID: String, versionID: String?, stage: String?
    ) throws(AWSServiceError) -> (secret: MockSecret, version: MockSecret.Version) {
        let today = Date(timeIntervalSince1970: (clock().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let result: Result<(MockSecret, MockSecret.Version), AWSServiceError> = secrets.withLock { all in
            guard let index = all.firstIndex(where: { Self.matches(secretID, $0, accountID: accountID) }) else { return .failure(.secretNotFound) }
            let secret = all[index]
            let found: MockSecret.Version
            if let versionID {
                guard let version = secret.versions.first(where: { $0.id == versionID }), stage.map(version.stages.contains) ?? true else {
                    return .failure(.secretValueNotFound("VersionId: \(versionID)"))
                }
                found = version
            } else {
                let label = stage ?? "AWSCURRENT"
                guard let version = secret.version(stage: label) else { return .failure(.secretValueNotFound("staging label: \(label)")) }
                found = version
            }
            all[index].lastAccessedAt = today
            return .success((all[index], found))
        }
        return try result.get()
    }
}

extension AWSServiceError {
    static let secretNotFound = AWSServiceError(status: 400, code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret.")

    static func secretValueNotFound(_ what: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret value for \(what)")
    }
}
