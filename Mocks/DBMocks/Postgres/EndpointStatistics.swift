import Synchronization

/// What a mock endpoint saw, for tests and scenario assertions ("relayed nothing").
public final class EndpointStatistics: Sendable {
    private let connections = Atomic<Int>(0)
    private let tlsSessions = Atomic<Int>(0)
    private let passwords = Atomic<Int>(0)
    private let backendSessions = Atomic<Int>(0)
    private let rdsIAMRefusals = Atomic<Int>(0)
    private let cancelsForwarded = Atomic<Int>(0)
    private let cancelsRefused = Atomic<Int>(0)

    public init() {}

    public var connectionsAccepted: Int { connections.load(ordering: .relaxed) }
    public var tlsHandshakesCompleted: Int { tlsSessions.load(ordering: .relaxed) }
    /// Tokens (cleartext passwords) received: zero means the client stopped before signing in.
    public var passwordsReceived: Int { passwords.load(ordering: .relaxed) }
    /// Sessions handed to the real backend: signed in there, checked, and relayed to the client.
    /// A sign-in the endpoint refuses after asking the backend (no `rds_iam`) is not one.
    public var backendSessionsOpened: Int { backendSessions.load(ordering: .relaxed) }
    /// Sign-ins whose token was good but whose database user is not a member of `rds_iam`.
    public var signInsRefusedWithoutRDSIAM: Int { rdsIAMRefusals.load(ordering: .relaxed) }
    /// CancelRequests passed on to the backend.
    public var cancelRequestsForwarded: Int { cancelsForwarded.load(ordering: .relaxed) }
    /// CancelRequests dropped: sent without TLS to an endpoint that requires a client certificate.
    public var cancelRequestsRefused: Int { cancelsRefused.load(ordering: .relaxed) }

    func connectionAccepted() { connections.wrappingAdd(1, ordering: .relaxed) }
    func tlsHandshakeCompleted() { tlsSessions.wrappingAdd(1, ordering: .relaxed) }
    func passwordReceived() { passwords.wrappingAdd(1, ordering: .relaxed) }
    func backendSessionOpened() { backendSessions.wrappingAdd(1, ordering: .relaxed) }
    func signInRefusedWithoutRDSIAM() { rdsIAMRefusals.wrappingAdd(1, ordering: .relaxed) }
    func cancelRequestForwarded() { cancelsForwarded.wrappingAdd(1, ordering: .relaxed) }
    func cancelRequestRefused() { cancelsRefused.wrappingAdd(1, ordering: .relaxed) }
}
