/// The tunnel's side facing the database: SSLRequest, require `S`, TLS, StartupMessage,
/// answer a cleartext password request with the IAM token, then collect ParameterStatus and
/// BackendKeyData until ReadyForQuery. No I/O: the channel handler runs the returned actions.
///
/// https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL
public struct ClientHandshakeStateMachine: Sendable {
    public enum Action: Sendable, Equatable {
        case sendSSLRequest
        case startTLS
        case sendStartup(StartupMessage)
        /// Send a PasswordMessage with the credential (the handler holds the token, not us).
        case sendPassword
        case wait
        case authenticated(parameters: [ParameterStatus], backendKey: CancelRequest?, transactionStatus: UInt8)
        case fail(UpstreamHandshakeFailure)
    }

    public struct ParameterStatus: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    private enum State: Sendable {
        case initial
        case awaitingSSLResponse
        case awaitingTLS
        case awaitingAuthenticationRequest
        case awaitingAuthenticationResult
        case awaitingReady(parameters: [ParameterStatus], backendKey: CancelRequest?)
        case authenticated
        case failed
    }

    private var state: State = .initial
    private let startup: StartupMessage

    public init(startup: StartupMessage) {
        self.startup = startup
    }

    /// True between SSLRequest and its one-byte answer, which is not a typed message: the
    /// handler must read it raw.
    public var expectsSSLResponse: Bool {
        if case .awaitingSSLResponse = state { return true }
        return false
    }

    public mutating func connected() -> Action {
        guard case .initial = state else { return fail(.protocolViolation("connected twice")) }
        state = .awaitingSSLResponse
        return .sendSSLRequest
    }

    /// The one-byte answer to SSLRequest, and how many more bytes arrived with it: the server
    /// must say nothing more before the TLS handshake (CVE-2021-23222-style injection).
    public mutating func sslResponseReceived(_ byte: UInt8, bytesAfter: Int) -> Action {
        guard case .awaitingSSLResponse = state else { return fail(.protocolViolation("unexpected SSL response")) }
        switch byte {
        case UInt8(ascii: "S"):
            guard bytesAfter == 0 else { return fail(.bytesBeforeTLS(bytesAfter)) }
            state = .awaitingTLS
            return .startTLS
        case UInt8(ascii: "N"):
            return fail(.tlsRefused)
        case UInt8(ascii: "E"):
            // A pre-3.0 error answer to SSLRequest: the server does not speak our protocol.
            return fail(.protocolViolation("the server answered SSLRequest with an error; is this a PostgreSQL server?"))
        default:
            return fail(.protocolViolation("the server answered SSLRequest with byte \(byte); is this a PostgreSQL server?"))
        }
    }

    public mutating func tlsEstablished() -> Action {
        guard case .awaitingTLS = state else { return fail(.protocolViolation("TLS established out of order")) }
        state = .awaitingAuthenticationRequest
        return .sendStartup(startup)
    }

    public mutating func messageReceived(_ message: BackendMessage) -> Action {
        switch (state, message) {
        case (.awaitingAuthenticationRequest, .authentication(.cleartextPassword)):
            state = .awaitingAuthenticationResult
            return .sendPassword
        case (.awaitingAuthenticationRequest, .authentication(.ok)),
             (.awaitingAuthenticationResult, .authentication(.ok)):
            // AuthenticationOk without a password request (trust) is fine.
            state = .awaitingReady(parameters: [], backendKey: nil)
            return .wait
        case (.awaitingAuthenticationRequest, .authentication(let other)):
            return fail(.unsupportedAuthentication(other.name))
        case (.awaitingAuthenticationRequest, .errorResponse(let error)),
             (.awaitingAuthenticationResult, .errorResponse(let error)),
             (.awaitingReady, .errorResponse(let error)):
            return fail(.server(error))
        case (.awaitingAuthenticationRequest, .noticeResponse),
             (.awaitingAuthenticationResult, .noticeResponse),
             (.awaitingReady, .noticeResponse):
            return .wait
        case (.awaitingReady(var parameters, let key), .parameterStatus(let name, let value)):
            parameters.append(ParameterStatus(name: name, value: value))
            state = .awaitingReady(parameters: parameters, backendKey: key)
            return .wait
        case (.awaitingReady(let parameters, _), .backendKeyData(let key)):
            state = .awaitingReady(parameters: parameters, backendKey: key)
            return .wait
        case (.awaitingReady(let parameters, let key), .readyForQuery(let status)):
            state = .authenticated
            return .authenticated(parameters: parameters, backendKey: key, transactionStatus: status)
        case (.initial, _), (.awaitingSSLResponse, _), (.awaitingTLS, _), (.awaitingAuthenticationRequest, _),
             (.awaitingAuthenticationResult, _), (.awaitingReady, _), (.authenticated, _), (.failed, _):
            return fail(.protocolViolation("unexpected server message during sign-in: \(message.kind)"))
        }
    }

    private mutating func fail(_ failure: UpstreamHandshakeFailure) -> Action {
        state = .failed
        return .fail(failure)
    }
}

/// Why signing in upstream failed, before any byte was relayed.
public enum UpstreamHandshakeFailure: Sendable, Equatable {
    /// The server answered SSLRequest with `N`.
    case tlsRefused
    /// Bytes followed `S` before the TLS handshake.
    case bytesBeforeTLS(Int)
    /// The server asked for MD5, SCRAM, … instead of a cleartext password.
    case unsupportedAuthentication(String)
    /// The server's own ErrorResponse (for the client, unchanged).
    case server(PostgresErrorFields)
    case protocolViolation(String)
}

extension BackendMessage {
    /// The message's name, for logs (never its contents).
    public var kind: String {
        switch self {
        case .authentication(let authentication): "Authentication(\(authentication.name))"
        case .parameterStatus: "ParameterStatus"
        case .backendKeyData: "BackendKeyData"
        case .readyForQuery: "ReadyForQuery"
        case .errorResponse: "ErrorResponse"
        case .noticeResponse: "NoticeResponse"
        case .other(let type, _): "message '\(Self.printable(type))'"
        }
    }
}
