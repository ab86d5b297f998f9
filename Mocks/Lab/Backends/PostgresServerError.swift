import Foundation

/// Why a test PostgreSQL server could not be set up, or a psql command against it failed.
public struct PostgresServerError: Error, CustomStringConvertible {
    public enum Code: Sendable {
        /// No initdb/postgres, or we are root and there is no postgres user.
        case serverNotInstalled
        /// The temp data directory, its files, or the TLS files could not be set up.
        case dataDirectory
        case initdbFailed
        /// postgres exited, or did not accept connections within the startup deadline.
        case startFailed
        case psqlFailed
    }

    public let code: Code
    public let message: String
    /// What the program behind the failure printed (initdb's output, the server log, psql's
    /// stderr), so a failing test says why without re-running.
    public let output: String
    public let underlying: (any Error)?

    init(code: Code, message: String, output: String = "", underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.output = output
        self.underlying = underlying
    }

    public var description: String {
        var text = "PostgresServer: \(message)"
        if let underlying { text += " (\(underlying))" }
        let output = output.trimmingCharacters(in: .whitespacesAndNewlines)
        if !output.isEmpty {
            // The tail is what explains a failure; a whole server log drowns it.
            text += "\n" + output.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
        }
        return text
    }
}
