import Foundation

/// STS AssumeRole, in one of two forms:
///
/// - **profile** (the standard chain's `assume-role`, botocore's `AssumeRoleProvider`): the
///   selected profile's `role_arn` with `source_profile` (whose credentials are its static keys,
///   its `credential_process`, its web identity, or — recursively — its own `role_arn`) or
///   `credential_source` = `Environment` | `Ec2InstanceMetadata` | `EcsContainer`; plus
///   `external_id`, `role_session_name` (default `botocore-session-<epoch>`), `duration_seconds`.
///   A profile with `web_identity_token_file` is left to the web identity provider.
/// - **chained** (`--assume-role-arn` / `--external-id`): any provider's credentials, then one
///   role, then optionally one more; see `chained(source:roleARN:externalID:sessionName:transport:)`.
///
/// STS is called in the selected profile's region at its STS endpoint (`AWS_ENDPOINT_URL_STS`, …).
public struct AssumeRoleCredentialProvider: CredentialProvider {
    public let name = "assume-role"
    let transport: any AWSHTTPTransport
    let retry: RetryPolicy
    let mode: Mode

    enum Mode: Sendable {
        case profile
        case chained(source: any CredentialProvider, role: ChainedRole)
    }

    struct ChainedRole: Sendable {
        let roleARN: String
        let externalID: String?
        let sessionName: String?
        /// 1 for a role assumed with ambient credentials, 2 for a role assumed with those.
        let hop: Int
    }

    /// The profile form, for the standard chain.
    public init(transport: any AWSHTTPTransport, retry: RetryPolicy = .standard) {
        self.init(transport: transport, retry: retry, mode: .profile)
    }

    init(transport: any AWSHTTPTransport, retry: RetryPolicy, mode: Mode) {
        self.transport = transport
        self.retry = retry
        self.mode = mode
    }

    /// Assumes `roleARN` with whatever `source` resolves to (the ambient chain, for the tunnel's
    /// `--assume-role-arn`). A chained provider may be the source of one more, so at most two
    /// hops: ambient → role A (with `externalID`, the cross-account "third party" check) →
    /// role B (no `externalID`: an external id belongs to the first hop only, where another
    /// account's trust policy asks for it). STS caps chained sessions at one hour, so no
    /// `DurationSeconds` is sent. A third hop, or an external id on the second, is an error at
    /// resolution.
    public static func chained(
        source: any CredentialProvider, roleARN: String, externalID: String? = nil, sessionName: String? = nil,
        transport: any AWSHTTPTransport = AsyncHTTPClientTransport(), retry: RetryPolicy = .standard
    ) -> AssumeRoleCredentialProvider {
        var hop = 1
        if let inner = source as? AssumeRoleCredentialProvider, case .chained(_, let role) = inner.mode { hop = role.hop + 1 }
        let role = ChainedRole(roleARN: roleARN, externalID: externalID, sessionName: sessionName, hop: hop)
        return AssumeRoleCredentialProvider(transport: transport, retry: retry, mode: .chained(source: source, role: role))
    }

    /// botocore's default `RoleSessionName`.
    static func defaultSessionName(now: Date = Date()) -> String {
        "botocore-session-\(Int(now.timeIntervalSince1970))"
    }

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        switch mode {
        case .profile:
            guard let profile = context.files.profile(context.profileName), profile["role_arn"] != nil else {
                return .notFound("\(name): profile \(context.profileName) has no role_arn")
            }
            guard profile["web_identity_token_file"] == nil else {
                return .notFound("\(name): profile \(context.profileName) uses web_identity_token_file (assume-role-with-web-identity)")
            }
            return .found(try await assumeProfileRole(context.profileName, context, visited: [context.profileName]))
        case .chained(let source, let role):
            return .found(try await assumeChained(source: source, role: role, context))
        }
    }

    // MARK: Chained

    func assumeChained(source: any CredentialProvider, role: ChainedRole, _ context: CredentialContext) async throws -> AWSCredentials {
        let origin = "\(name) \(role.roleARN)"
        guard role.hop <= 2 else {
            throw CredentialError(
                code: .invalidConfiguration, source: origin,
                message: "at most two roles can be chained after the ambient credentials; this is hop \(role.hop)"
            )
        }
        guard role.hop == 1 || role.externalID == nil else {
            throw CredentialError(
                code: .invalidConfiguration, source: origin,
                message: "an external id is only sent on the first hop of a role chain; drop it from the second role"
            )
        }
        let sourceCredentials: AWSCredentials
        switch try await source.resolve(context) {
        case .found(let credentials):
            sourceCredentials = credentials
        case .notFound(let reason):
            throw CredentialError(
                code: .noCredentialProviders, source: source.name,
                message: "no credentials to assume \(role.roleARN) with",
                attempts: reason.split(separator: "\n").map(String.init)
            )
        }
        return try await callAssumeRole(
            credentials: sourceCredentials, roleARN: role.roleARN, sessionName: role.sessionName,
            externalID: role.externalID, durationSeconds: nil, context: context, source: origin
        )
    }

    // MARK: The STS call

    func callAssumeRole(
        credentials: AWSCredentials, roleARN: String, sessionName: String?, externalID: String?,
        durationSeconds: Int?, context: CredentialContext, source: String
    ) async throws -> AWSCredentials {
        let client = STSClient(transport: transport, context: context, retry: retry)
        do {
            return try await client.assumeRole(
                credentials: credentials, roleARN: roleARN, sessionName: sessionName ?? Self.defaultSessionName(),
                externalID: externalID, durationSeconds: durationSeconds
            ).credentials
        } catch {
            throw Self.retrievalError(error, source: source, client: client)
        }
    }

    /// An STS or transport failure as a `CredentialError`; its message is the STS error as the
    /// AWS CLI prints it (`AccessDenied: User: … is not authorized to perform: sts:AssumeRole …`).
    static func retrievalError(_ error: any Error, source: String, client: STSClient) -> any Error {
        switch error {
        case let error as STSError:
            return CredentialError(code: .credentialRetrieval, source: source, message: error.description, underlying: error)
        case let error as AWSHTTPTransportError:
            return CredentialError(
                code: .credentialRetrieval, source: source,
                message: "STS at \(client.endpoint) (region \(client.region)): \(error)", underlying: error
            )
        default:
            return error
        }
    }
}

/// `AssumeRoleProvider.chained(…)` reads well at the CLI's call site.
public typealias AssumeRoleProvider = AssumeRoleCredentialProvider
