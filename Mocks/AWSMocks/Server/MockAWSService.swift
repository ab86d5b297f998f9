import Hummingbird

/// One mocked AWS service behind the shared listener.
public protocol MockAWSService: Sendable {
    /// The SigV4 signing name (the credential scope's service): `sts`, `iam`, `rds`, …
    var signingName: String { get }
    /// For JSON 1.1 services, the `X-Amz-Target` prefix (`secretsmanager`, `RedshiftServerless`).
    var targetPrefix: String? { get }
    /// Actions callers may send unsigned (STS AssumeRoleWithWebIdentity).
    var unsignedActions: Set<String> { get }
    func handle(_ call: AWSCall) async throws(AWSServiceError) -> AWSReply
}

extension MockAWSService {
    public var targetPrefix: String? { nil }
    public var unsignedActions: Set<String> { [] }
}

/// A service that serves plain HTTP paths of its own (instance metadata, container credentials).
public protocol MockHTTPRoutes: Sendable {
    func addRoutes(to router: Router<BasicRequestContext>)
}
