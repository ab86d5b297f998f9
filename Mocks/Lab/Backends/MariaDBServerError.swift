import Foundation

/// Why a test MariaDB server could not be set up, or a `mariadb` client command against it failed.
public struct MariaDBServerError: Error, CustomStringConvertible {
    public enum Code: Sendable {
        /// No mariadbd or mariadb-install-db, or we are root and there is no mysql user.
        case serverNotInstalled
        /// The temp data directory could not be made or filled.
        case dataDirectory
        case installFailed
        /// mariadbd exited, or did not accept connections within the startup deadline.
        case startFailed
        /// A statement run with the `mariadb` client failed.
        case sqlFailed
    }

    public let code: Code
    public let message: String
    /// What the program behind the failure printed (mariadb-install-db's output, the server
    /// log, the client's stderr), so a failing test says why without re-running.
    public let output: String
    public let underlying: (any Error)?

    init(code: Code, message: String, output: String = "", underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.output = output
        self.underlying = underlying
    }

    public var description: String {
        var text = "MariaDBServer: \(message)"
        if let underlying { text += " (\(underlying))" }
        let output = output.trimmingCharacters(in: .whitespacesAndNewlines)
        if !output.isEmpty {
            // The tail is what explains a failure; a whole server log drowns it.
            text += "\n" + output.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
        }
        return text
    }
}
