/// Static keys in a profile: the shared credentials file's `[NAME]` section
/// (`SharedCredentialProvider`) or the config file's `[profile NAME]` section
/// (`ConfigProvider`), which botocore tries at different places in the chain.
public struct ProfileKeysCredentialProvider: CredentialProvider {
    public enum File: Sendable {
        case sharedCredentials
        case config
    }

    let file: File

    public init(_ file: File) {
        self.file = file
    }

    public var name: String {
        switch file {
        case .sharedCredentials: "shared-credentials-file"
        case .config: "config-file"
        }
    }

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        let profile = context.profileName
        let (path, parsed, section): (String, ConfigFile?, [String: String]?) =
            switch file {
            case .sharedCredentials:
                (context.files.credentialsPath, context.files.credentials, context.files.credentialsProfile(profile))
            case .config:
                (context.files.configPath, context.files.config, context.files.configProfile(profile))
            }
        guard parsed != nil else { return .notFound("\(name): \(path) does not exist") }
        guard let section else { return .notFound("\(name): \(path) has no profile \(profile)") }
        let keyID = section["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = section["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyID, secret) {
        case (nil, nil):
            return .notFound("\(name): profile \(profile) in \(path) has no aws_access_key_id")
        case (.some, nil), (nil, .some):
            let missing = keyID == nil ? "aws_access_key_id" : "aws_secret_access_key"
            throw CredentialError(
                code: .partialCredentials, source: "\(name) \(path)",
                message: "Partial credentials found in profile \(profile), missing: \(missing); add it or remove the other key"
            )
        case let (.some(keyID), .some(secret)):
            let token = section["aws_session_token"] ?? section["aws_security_token"]
            return .found(AWSCredentials(
                accessKeyID: keyID, secretAccessKey: secret, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 }
            ))
        }
    }
}
