import Synchronization

/// What a mock endpoint saw, for tests and scenario assertions ("relayed nothing").
public final class EndpointStatistics: Sendable {
    private let connections = Atomic<Int>(0)
    private let tlsSessions = Atomic<Int>(0)
    private let passwords = Atomic<Int>(0)
    private let backendSessions = Atomic<Int>(0)

    public init() {}

    public var connectionsAccepted: Int { connections.load(ordering: .relaxed) }
    public var tlsHandshakesCompleted: Int { tlsSessions.load(ordering: .relaxed) }
    /// Tokens (cleartext passwords) received: zero means the client stopped before signing in.
    public var passwordsReceived: Int { passwords.load(ordering: .relaxed) }
    /// Sessions handed to the real backend.
    public var backendSessionsOpened: Int { backendSessions.load(ordering: .relaxed) }

    func connectionAccepted() { connections.wrappingAdd(1, ordering: .relaxed) }
    func tlsHandshakeCompleted() { tlsSessions.wrappingAdd(1, ordering: .relaxed) }
    func passwordReceived() { passwords.wrappingAdd(1, ordering: .relaxed) }
    func backendSessionOpened() { backendSessions.wrappingAdd(1, ordering: .relaxed) }
}
