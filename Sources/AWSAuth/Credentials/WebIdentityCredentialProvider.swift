import Foundation

/// STS AssumeRoleWithWebIdentity with a token from a file (EKS IRSA, GitHub Actions OIDC), as
/// botocore's `AssumeRoleWithWebIdentityProvider` reads it: each of `web_identity_token_file`,
/// `role_arn`, `role_session_name` from `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`,
/// `AWS_ROLE_SESSION_NAME`, else from the profile. The variables are ignored when the profile
/// was chosen with `--profile` (botocore's `disable_env_vars`).
///
/// The token file is read on every resolution (the issuer rotates it). The call is unsigned.
public struct WebIdentityCredentialProvider: CredentialProvider {
    public let name = "assume-role-with-web-identity"
    let transport: any AWSHTTPTransport
    let retry: RetryPolicy

    public init(transport: any AWSHTTPTransport, retry: RetryPolicy = .standard) {
        self.transport = transport
        self.retry = retry
    }

    struct Configuration {
        let tokenFile: (path: String, origin: String)
        let roleARN: String
        let sessionName: String?
    }

    /// Nil when no token file is configured.
    static func configuration(_ context: CredentialContext) throws(CredentialError) -> Configuration? {
        let profile = context.files.profile(context.profileName) ?? [:]
        func value(_ variable: String, _ key: String) -> (value: String, origin: String)? {
            if !context.profileIsExplicit, let value = context.environment[variable] { return (value, variable) }
            return profile[key].flatMap { $0.isEmpty ? nil : ($0, "\(key) of profile \(context.profileName)") }
        }
        guard let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file") else { return nil }
        let (path, origin) = tokenFile
        guard let roleARN = value("AWS_ROLE_ARN", "role_arn")?.value else {
            throw CredentialError(
                code: .invalidProfile, source: "assume-role-with-web-identity",
                message: "a web identity token file is configured (\(origin)) but no role ARN; "
                    + "set AWS_ROLE_ARN or role_arn in profile \(context.profileName)"
            )
        }
        return Configuration(
            tokenFile: (context.environment.expandingTilde(path), origin), roleARN: roleARN,
            sessionName: value("AWS_ROLE_SESSION_NAME", "role_session_name")?.value
        )
    }

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        guard let configuration = try Self.configuration(context) else {
            return .notFound(
                "\(name): AWS_WEB_IDENTITY_TOKEN_FILE is not set and profile \(context.profileName) has no web_identity_token_file"
            )
        }
        return .found(try await assume(configuration, context))
    }

    func assume(_ configuration: Configuration, _ context: CredentialContext) async throws -> AWSCredentials {
        let (path, origin) = configuration.tokenFile
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialError(
                code: .unreadableFile, source: name,
                message: "cannot read the web identity token file \(path) (from \(origin)); check that it exists and is readable"
            )
        }
        // JWTs hold no whitespace; a trailing newline from `echo` would make STS reject the token.
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw CredentialError(code: .unreadableFile, source: name, message: "the web identity token file \(path) is empty")
        }
        let client = STSClient(transport: transport, context: context, retry: retry)
        let sessionName = configuration.sessionName ?? AssumeRoleCredentialProvider.defaultSessionName()
        do {
            return try await client.assumeRoleWithWebIdentity(
                webIdentityToken: token, roleARN: configuration.roleARN, sessionName: sessionName
            ).credentials
        } catch {
            throw AssumeRoleCredentialProvider.retrievalError(error, source: "\(name) (\(configuration.roleARN))", client: client)
        }
    }
}
