import Foundation

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (or the older
/// `AWS_SECURITY_TOKEN`) and `AWS_CREDENTIAL_EXPIRATION`, as botocore's `EnvProvider` reads them.
public struct EnvironmentCredentialProvider: CredentialProvider {
    public let name = "env"

    public init() {}

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        let env = context.environment
        let keyID = env["AWS_ACCESS_KEY_ID"], secret = env["AWS_SECRET_ACCESS_KEY"]
        if context.profileIsExplicit {
            return .notFound("env: skipped because a profile was chosen explicitly (--profile)")
        }
        switch (keyID, secret) {
        case (nil, nil):
            return .notFound("env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        case (.some, nil), (nil, .some):
            let missing = keyID == nil ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"
            let present = keyID == nil ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"
            throw CredentialError(
                code: .partialCredentials, source: name,
                message: "Partial credentials found in env, missing: \(missing) (\(present) is set); set both or unset it"
            )
        case let (.some(keyID), .some(secret)):
            var expiration: Date?
            if let text = env["AWS_CREDENTIAL_EXPIRATION"] {
                guard let parsed = ISO8601Timestamp.parse(text) else {
                    throw CredentialError(
                        code: .partialCredentials, source: name,
                        message: "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time (expected e.g. 2026-01-01T00:00:00Z)"
                    )
                }
                expiration = parsed
            }
            return .found(AWSCredentials(
                accessKeyID: keyID, secretAccessKey: secret,
                sessionToken: env["AWS_SESSION_TOKEN"] ?? env["AWS_SECURITY_TOKEN"], expiration: expiration
            ))
        }
    }
}
