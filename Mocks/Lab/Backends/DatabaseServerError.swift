import Foundation

/// Why a test database server (PostgreSQL or MariaDB) could not be set up, or a client command
/// against it failed.
public struct DatabaseServerError: Error, CustomStringConvertible {
    /// Which kind of server: it names the messages.
    public enum Server: String, Sendable {
        case postgres = "PostgresServer"
        case mariadb = "MariaDBServer"
    }

    public enum Code: Sendable {
        /// The server programs are missing, or we are root and there is no server user.
        case serverNotInstalled
        /// The temp data directory, its files, or the TLS files could not be set up.
        case dataDirectory
        /// initdb or mariadb-install-db failed.
        case initializeFailed
        /// The server exited, or did not accept connections within the startup deadline.
        case startFailed
        /// A statement run with the command-line client (psql, mariadb) failed.
        case clientFailed
    }

    public let server: Server
    public let code: Code
    public let message: String
    /// What the program behind the failure printed (the initializer's output, the server log,
    /// the client's stderr), so a failing test says why without re-running.
    public let output: String
    public let underlying: (any Error)?

    init(_ server: Server, code: Code, message: String, output: String = "", underlying: (any Error)? = nil) {
        self.server = server
        self.code = code
        self.message = message
        self.output = output
        self.underlying = underlying
    }

    public var description: String {
        var text = "\(server.rawValue): \(message)"
        if let underlying { text += " (\(underlying))" }
        let output = output.trimmingCharacters(in: .whitespacesAndNewlines)
        if !output.isEmpty {
            // The tail is what explains a failure; a whole server log drowns it.
            text += "\n" + output.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
        }
        return text
    }
}
