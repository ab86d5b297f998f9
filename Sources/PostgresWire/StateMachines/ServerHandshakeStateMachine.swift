/// The tunnel's side facing a local client: refuses encryption (the client is on loopback;
/// TLS is the upstream's job), reads the StartupMessage, checks it against the tunnel's
/// `--db-user`/`--db-name`, and later completes the client's sign-in with what the upstream
/// said. No I/O: the channel handler runs the returned actions.
///
/// https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
public struct ServerHandshakeStateMachine: Sendable {
    public struct Policy: Sendable, Equatable {
        /// `--db-user`: the client may omit the user or must name this one.
        public var user: String?
        /// `--db-name`: the client may omit the database or must name this one.
        public var database: String?

        public init(user: String? = nil, database: String? = nil) {
            self.user = user
            self.database = database
        }
    }

    public enum Action: Sendable, Equatable {
        /// Write the single byte `N`: no SSL / no GSS encryption; the client continues in plain.
        case refuseEncryption
        /// Sign in upstream with this StartupMessage (user and database settled).
        case connectUpstream(StartupMessage)
        /// A CancelRequest: look the keys up and pass it on; then close (no reply, as PostgreSQL).
        case forwardCancel(CancelRequest)
        /// Write these messages (AuthenticationOk … ReadyForQuery), then relay bytes both ways.
        case completeHandshake([BackendMessage])
        /// Write this ErrorResponse, then close.
        case rejectAndClose(PostgresErrorFields)
        /// Close without writing anything (the peer broke the protocol or went away).
        case close(reason: String)
    }

    private enum State: Sendable {
        case awaitingStartup(sslRefused: Bool, gssRefused: Bool)
        case awaitingUpstream
        case relaying
        case closed
    }

    private var state: State = .awaitingStartup(sslRefused: false, gssRefused: false)
    public let policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    public mutating func startupPacketReceived(_ packet: StartupPacket) -> Action {
        guard case .awaitingStartup(let sslRefused, let gssRefused) = state else {
            state = .closed
            return .close(reason: "client sent a startup packet after the startup phase")
        }
        switch packet {
        case .sslRequest where !sslRefused:
            state = .awaitingStartup(sslRefused: true, gssRefused: gssRefused)
            return .refuseEncryption
        case .gssEncRequest where !gssRefused:
            state = .awaitingStartup(sslRefused: sslRefused, gssRefused: true)
            return .refuseEncryption
        case .sslRequest, .gssEncRequest:
            state = .closed
            return .close(reason: "client repeated an encryption request")
        case .cancel(let request):
            state = .closed
            return .forwardCancel(request)
        case .startup(var startup):
            guard startup.protocolVersion == PostgresProtocol.version3 else {
                state = .closed
                return .rejectAndClose(.fatal(
                    sqlState: "0A000",
                    message: "dbtunnel: unsupported frontend protocol \(startup.protocolVersion >> 16).\(startup.protocolVersion & 0xFFFF): only 3.0 is relayed"
                ))
            }
            guard let clientUser = startup.user ?? policy.user, !clientUser.isEmpty else {
                state = .closed
                return .rejectAndClose(.fatal(
                    sqlState: "28000",
                    message: "dbtunnel: no database user: pass one to the client (-U) or start the tunnel with --db-user"
                ))
            }
            if let required = policy.user, clientUser != required {
                state = .closed
                return .rejectAndClose(.fatal(
                    sqlState: "28000",
                    message: "dbtunnel: this tunnel signs in as \"\(required)\" (--db-user); the client asked for \"\(clientUser)\"",
                    hint: "Connect with -U \(required), or omit the user."
                ))
            }
            startup["user"] = clientUser
            if let required = policy.database {
                // libpq always sends a database, defaulting it to the user name: treat that
                // default as "omitted".
                let asked = startup.database
                if let asked, asked != required, asked != clientUser {
                    state = .closed
                    return .rejectAndClose(.fatal(
                        sqlState: "3D000",
                        message: "dbtunnel: this tunnel connects to database \"\(required)\" (--db-name); the client asked for \"\(asked)\"",
                        hint: "Connect with -d \(required), or omit the database."
                    ))
                }
                startup["database"] = required
            }
            state = .awaitingUpstream
            return .connectUpstream(startup)
        }
    }

    /// The upstream accepted the sign-in. `localKey` is the key pair the tunnel made up for this
    /// client (the upstream's own keys never leave the tunnel).
    public mutating func upstreamAuthenticated(
        parameters: [(name: String, value: String)], localKey: CancelRequest, transactionStatus: UInt8
    ) -> Action {
        guard case .awaitingUpstream = state else {
            state = .closed
            return .close(reason: "upstream sign-in finished in an unexpected state")
        }
        state = .relaying
        var messages: [BackendMessage] = [.authentication(.ok)]
        messages += parameters.map { BackendMessage.parameterStatus(name: $0.name, value: $0.value) }
        messages.append(.backendKeyData(localKey))
        messages.append(.readyForQuery(transactionStatus: transactionStatus))
        return .completeHandshake(messages)
    }

    /// The upstream sign-in failed; `error` is what the client sees (the server's own
    /// ErrorResponse unchanged, or one the tunnel wrote).
    public mutating func upstreamFailed(_ error: PostgresErrorFields) -> Action {
        switch state {
        case .awaitingUpstream:
            state = .closed
            return .rejectAndClose(error)
        case .awaitingStartup, .relaying, .closed:
            state = .closed
            return .close(reason: "upstream failed outside the sign-in")
        }
    }

    /// Bytes the client sent that are not a valid startup packet.
    public mutating func protocolViolation(_ error: PostgresWireError) -> Action {
        state = .closed
        return .close(reason: error.message)
    }
}
