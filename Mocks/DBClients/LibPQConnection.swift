import CLibPQ
import Foundation

/// A libpq error: the server's message and SQLSTATE (57014 after a cancel), or libpq's own
/// message (no SQLSTATE) when connecting or sending failed.
public struct LibPQError: Error, CustomStringConvertible {
    public let message: String
    public let sqlState: String?

    public init(message: String, sqlState: String?) {
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String {
        "libpq: \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }
}

/// A blocking libpq connection: the built-in client of tests and of scenario `libpq` steps
/// (query cancel with PQcancel, libpq's own handshake through the tunnel, SQLSTATEs).
///
/// `@unchecked Sendable`: libpq allows one thread at a time on a `PGconn`, and every method
/// that touches it holds `lock`, so calls from several threads take turns. `cancel()` is the
/// exception and takes no lock (it must work while `waitForResult()` blocks holding it): it only
/// uses the `PGcancel` made right after connecting, which libpq documents as read-only for
/// `PQcancel` and so safe to use from another thread than the one using the connection
/// (https://www.postgresql.org/docs/current/libpq-cancel.html).
public final class LibPQConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    private let cancelHandle: OpaquePointer
    private let lock = NSLock()

    /// Connects with `PQconnectdb` (blocking), e.g. "host=127.0.0.1 port=5432 user=postgres
    /// dbname=postgres sslmode=require".
    public init(_ conninfo: String) throws {
        guard let connection = PQconnectdb(conninfo) else {
            throw LibPQError(message: "libpq could not allocate a connection", sqlState: nil)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.errorMessage(connection)
            PQfinish(connection)
            throw LibPQError(message: message, sqlState: nil)
        }
        // Made once, here: PQgetCancel reads the connection, which another thread may be using
        // by the time cancel() is called.
        guard let cancelHandle = PQgetCancel(connection) else {
            PQfinish(connection)
            throw LibPQError(message: "libpq could not make a cancel handle", sqlState: nil)
        }
        self.connection = connection
        self.cancelHandle = cancelHandle
    }

    deinit {
        PQfreeCancel(cancelHandle)
        PQfinish(connection)
    }

    /// Runs `sql` with `PQexec` and returns the last statement's rows (NULL as nil).
    public func query(_ sql: String) throws -> [[String?]] {
        try lock.withLock {
            guard let result = PQexec(connection, sql) else {
                throw LibPQError(message: Self.errorMessage(connection), sqlState: nil)
            }
            defer { PQclear(result) }
            return try Self.rows(result)
        }
    }

    /// Sends `sql` without waiting (`PQsendQuery`); collect the outcome with `waitForResult()`.
    public func sendQuery(_ sql: String) throws {
        try lock.withLock {
            guard PQsendQuery(connection, sql) == 1 else {
                throw LibPQError(message: Self.errorMessage(connection), sqlState: nil)
            }
        }
    }

    /// Reads results (`PQgetResult`) until there are no more, leaving the connection ready for
    /// the next query; returns the last rows, or throws the first error (SQLSTATE 57014 for a
    /// cancelled statement).
    public func waitForResult() throws -> [[String?]] {
        try lock.withLock {
            var rows: [[String?]] = []
            var firstError: LibPQError?
            while let result = PQgetResult(connection) {
                defer { PQclear(result) }
                do throws(LibPQError) {
                    rows = try Self.rows(result)
                } catch {
                    firstError = firstError ?? error
                }
            }
            if let firstError { throw firstError }
            return rows
        }
    }

    /// Asks the server to cancel the running statement (`PQcancel` over a new connection to the
    /// same address). Callable from any thread, while another blocks in `waitForResult()`.
    public func cancel() throws {
        var buffer = [CChar](repeating: 0, count: 256)
        guard PQcancel(cancelHandle, &buffer, Int32(buffer.count)) == 1 else {
            let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw LibPQError(message: message, sqlState: nil)
        }
    }

    /// The server process serving this connection (the key of its cancel requests).
    public var backendPID: Int32 {
        lock.withLock { PQbackendPID(connection) }
    }

    /// A ParameterStatus the server reported: "server_version", "application_name", ….
    public func parameterStatus(_ name: String) -> String? {
        lock.withLock { PQparameterStatus(connection, name).map { String(cString: $0) } }
    }

    private static func rows(_ result: OpaquePointer) throws(LibPQError) -> [[String?]] {
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return (0..<PQntuples(result)).map { row in
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                }
            }
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        default:
            // Field 'C' is PG_DIAG_SQLSTATE, a char macro Swift does not import.
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
            throw LibPQError(message: message.trimmingCharacters(in: .whitespacesAndNewlines), sqlState: sqlState)
        }
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        PQerrorMessage(connection).map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? "unknown libpq error"
    }
}
