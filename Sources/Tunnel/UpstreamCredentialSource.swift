import AWSAuth
import Foundation

/// What the tunnel signs in upstream with, per client connection.
public protocol UpstreamCredentialSource: Sendable {
    /// The user and password for the upstream sign-in of `user` (for RDS: the same user and an
    /// IAM token; Redshift Serverless maps the user to `IAMR:<role>`).
    func signIn(user: String) async throws -> UpstreamSignIn
}

public struct UpstreamSignIn: Sendable {
    public let user: String
    /// A bearer secret: never logged.
    public let password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}

/// AWS credentials from a provider, cached, refreshed ahead of expiry, one refresh at a time.
public actor CredentialCache {
    private let provider: @Sendable () async throws -> AWSCredentials
    /// Never hand out credentials that expire within this window (a token signed with them
    /// must stay usable for its 15 minutes).
    private let refreshWindow: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var refreshing: Task<AWSCredentials, any Error>?

    public init(
        refreshWindow: TimeInterval = TimeInterval(RDSAuthToken.lifetime), now: @escaping @Sendable () -> Date = { Date() },
        provider: @escaping @Sendable () async throws -> AWSCredentials
    ) {
        self.provider = provider
        self.refreshWindow = refreshWindow
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, cached.isValid(for: refreshWindow, at: now()) { return cached }
        if let refreshing { return try await refreshing.value }
        let task = Task { try await provider() }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh
    }
}

/// RDS IAM tokens: a fresh one per connection, or a cached one while it has more than
/// `minimumRemaining` seconds to live (RDS checks the token only at sign-in).
public actor RDSTokenSource: UpstreamCredentialSource {
    private let target: DatabaseTarget
    private let credentials: CredentialCache
    private let minimumRemaining: TimeInterval
    private let now: @Sendable () -> Date
    private var tokens: [String: (token: String, signedAt: Date, accessKeyID: String)] = [:]

    public init(
        target: DatabaseTarget, credentials: CredentialCache, minimumRemaining: TimeInterval = 600,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.target = target
        self.credentials = credentials
        self.minimumRemaining = minimumRemaining
        self.now = now
    }

    public func signIn(user: String) async throws -> UpstreamSignIn {
        let credentials = try await credentials.credentials()
        let instant = now()
        if let cached = tokens[user], cached.accessKeyID == credentials.accessKeyID,
           cached.signedAt.addingTimeInterval(TimeInterval(RDSAuthToken.lifetime)).timeIntervalSince(instant) > minimumRemaining {
            return UpstreamSignIn(user: user, password: cached.token)
        }
        let token = RDSAuthToken.generate(
            host: target.host, port: target.port, user: user, region: target.region, credentials: credentials, date: instant
        )
        tokens[user] = (token, instant, credentials.accessKeyID)
        return UpstreamSignIn(user: user, password: token)
    }
}
