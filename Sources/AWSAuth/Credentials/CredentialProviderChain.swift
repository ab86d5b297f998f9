/// Providers tried in order until one yields credentials, in botocore's order:
///
/// env → profile `role_arn` → web identity → shared credentials file → `credential_process`
/// → config file → ECS container → EC2 instance metadata.
///
/// The four network providers are slots (`NetworkCredentialProviders`): `.live()` fills them
/// with the STS, container and IMDS providers. A slot left empty (the default, so tests never
/// reach the network) still reports whether its source is configured, and fails loudly if it
/// is, instead of letting a later provider hand out other credentials.
public struct CredentialProviderChain: CredentialProvider {
    public let name = "chain"
    public let providers: [any CredentialProvider]

    public init(_ providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// The chain the AWS CLI uses; pass `network: .live()` for its network providers.
    public static func standard(network: NetworkCredentialProviders = NetworkCredentialProviders()) -> CredentialProviderChain {
        CredentialProviderChain([
            EnvironmentCredentialProvider(),
            network.assumeRole ?? UnavailableCredentialProvider.assumeRole,
            network.webIdentity ?? UnavailableCredentialProvider.webIdentity,
            ProfileKeysCredentialProvider(.sharedCredentials),
            ProcessCredentialProvider(),
            ProfileKeysCredentialProvider(.config),
            network.container ?? UnavailableCredentialProvider.container,
            network.instanceMetadata ?? UnavailableCredentialProvider.instanceMetadata,
        ])
    }

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        let (credentials, attempts) = try await firstFound(context)
        return credentials.map(CredentialResolution.found) ?? .notFound(attempts.joined(separator: "\n"))
    }

    /// Resolves or throws `NoCredentialProviders` listing every provider's line.
    public func credentials(_ context: CredentialContext) async throws -> AWSCredentials {
        let (credentials, attempts) = try await firstFound(context)
        guard let credentials else {
            throw CredentialError(code: .noCredentialProviders, source: name, message: "no valid providers in chain", attempts: attempts)
        }
        return credentials
    }

    private func firstFound(_ context: CredentialContext) async throws -> (AWSCredentials?, attempts: [String]) {
        var attempts: [String] = []
        for provider in providers {
            switch try await provider.resolve(context) {
            case .found(let credentials):
                return (credentials, attempts)
            case .notFound(let reason):
                attempts.append(reason)
            }
        }
        return (nil, attempts)
    }
}

/// The network-backed providers of the standard chain.
public struct NetworkCredentialProviders: Sendable {
    /// Profile `role_arn` with `source_profile` or `credential_source` (STS AssumeRole).
    public var assumeRole: (any CredentialProvider)?
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (STS AssumeRoleWithWebIdentity).
    public var webIdentity: (any CredentialProvider)?
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`.
    public var container: (any CredentialProvider)?
    /// EC2 IMDSv2 with the v1 fallback.
    public var instanceMetadata: (any CredentialProvider)?

    public init(
        assumeRole: (any CredentialProvider)? = nil, webIdentity: (any CredentialProvider)? = nil,
        container: (any CredentialProvider)? = nil, instanceMetadata: (any CredentialProvider)? = nil
    ) {
        self.assumeRole = assumeRole
        self.webIdentity = webIdentity
        self.container = container
        self.instanceMetadata = instanceMetadata
    }
}

/// An empty network slot: says whether its source is configured, and refuses to skip past a
/// configured one (the user asked for those credentials, not whatever comes next).
struct UnavailableCredentialProvider: CredentialProvider {
    let name: String
    /// nil when the source is not configured; otherwise what configures it.
    let configuration: @Sendable (CredentialContext) -> String?
    let notConfigured: @Sendable (CredentialContext) -> String

    func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        guard let configured = configuration(context) else { return .notFound("\(name): \(notConfigured(context))") }
        throw CredentialError(
            code: .unsupportedProvider, source: name,
            message: "\(configured), but this build of dbtunnel cannot use \(name) credentials yet; "
                + "use environment variables, a profile with keys, or credential_process"
        )
    }

    static let assumeRole = UnavailableCredentialProvider(
        name: "assume-role",
        configuration: { context in
            context.files.profile(context.profileName)?["role_arn"].map { _ in "profile \(context.profileName) sets role_arn" }
        },
        notConfigured: { "profile \($0.profileName) has no role_arn" }
    )

    static let webIdentity = UnavailableCredentialProvider(
        name: "assume-role-with-web-identity",
        configuration: { context in
            if context.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] != nil { return "AWS_WEB_IDENTITY_TOKEN_FILE is set" }
            return context.files.profile(context.profileName)?["web_identity_token_file"]
                .map { _ in "profile \(context.profileName) sets web_identity_token_file" }
        },
        notConfigured: { _ in "AWS_WEB_IDENTITY_TOKEN_FILE is not set and the profile has no web_identity_token_file" }
    )

    static let container = UnavailableCredentialProvider(
        name: "container-role",
        configuration: { context in
            for variable in ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            where context.environment[variable] != nil {
                return "\(variable) is set"
            }
            return nil
        },
        notConfigured: { _ in "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set" }
    )

    static let instanceMetadata = UnavailableCredentialProvider(
        name: "iam-role",
        configuration: { _ in nil },
        notConfigured: { context in
            context.environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true"
                ? "AWS_EC2_METADATA_DISABLED=true"
                : "instance metadata (IMDS) is not queried by this build"
        }
    )
}
