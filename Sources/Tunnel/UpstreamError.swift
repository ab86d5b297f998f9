import PostgresWire

/// Why a session could not be opened upstream. The description is what the user reads (in
/// the client as a FATAL error and in the tunnel's log); it never contains a token.
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case connectTimeout
        case connectFailed
        case tls
        case certificate
        case tlsRefused
        case authenticationMethod
        case server
        case credentials
        case signInTimeout
        case protocolViolation
    }

    public let code: Code
    public let message: String
    /// The server's own ErrorResponse, passed to the client unchanged.
    public let serverError: PostgresErrorFields?

    init(_ code: Code, _ message: String, serverError: PostgresErrorFields? = nil) {
        self.code = code
        self.message = message
        self.serverError = serverError
    }

    public var description: String { message }

    /// What the local client receives.
    var errorResponse: PostgresErrorFields {
        if let serverError { return serverError }
        let sqlState = switch code {
        case .connectTimeout, .connectFailed, .signInTimeout: "08001"
        case .tls, .certificate, .tlsRefused: "08006"
        case .authenticationMethod, .credentials: "28000"
        case .server, .protocolViolation: "08P01"
        }
        return .fatal(sqlState: sqlState, message: message)
    }
}
