import CLibMariaDB
import Foundation

/// A MySQL protocol error as the `mysql` client shows it: the error number (`mysql_errno`: 1045
/// access denied, 1317 interrupted by KILL QUERY, 2003 cannot connect, …), the SQLSTATE, and
/// the message.
public struct MariaDBError: Error, CustomStringConvertible {
    public let code: UInt32
    /// nil for errors of our own (no connection could be allocated).
    public let sqlState: String?
    public let message: String

    public init(code: UInt32, sqlState: String?, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// `ERROR 1045 (28000): Access denied for user 'alice'@'localhost' (using password: YES)`.
    public var description: String {
        "ERROR \(code)" + (sqlState.map { " (\($0))" } ?? "") + ": \(message)"
    }
}

/// A blocking libmariadb (MariaDB Connector/C) connection: the built-in MySQL client of tests
/// and scenario steps (the server's own error numbers and SQLSTATEs, KILL QUERY as the `mysql`
/// client's Ctrl+C does it).
///
/// Plain TCP: TLS is switched off explicitly (`MYSQL_OPT_SSL_ENFORCE` false). Connector/C 3.3
/// does not try TLS unless asked; 3.4 does by default, and this keeps both the same.
///
/// `@unchecked Sendable`: libmariadb allows one thread at a time on a `MYSQL`, and every method
/// that touches it holds `lock`, so calls from several threads take turns. `killQuery()` takes
/// no lock (it must work while `query()` blocks holding it): it only reads the `let`s and opens
/// a connection of its own.
public final class MariaDBConnection: @unchecked Sendable {
    private let connection: UnsafeMutablePointer<MYSQL>
    private let lock = NSLock()
    private let host: String
    private let port: Int
    private let user: String
    private let password: String?
    private let database: String?
    private let connectTimeout: Int
    private let threadID: UInt64

    /// Connects (blocking) to `host:port` over TCP. `host` is an address or name; "localhost"
    /// means the default Unix socket, as it does for the `mysql` client. `password` nil sends
    /// none; `database` nil selects none. Multiple statements per `query()` are allowed.
    public init(host: String, port: Int, user: String, password: String?, database: String?, connectTimeout: Int = 10) throws {
        Self.libraryReady()
        guard let connection = mysql_init(nil) else {
            throw MariaDBError(code: 0, sqlState: nil, message: "libmariadb could not allocate a connection")
        }
        var timeout = UInt32(clamping: connectTimeout)
        var off: my_bool = 0
        mysql_options(connection, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        mysql_options(connection, MYSQL_OPT_SSL_ENFORCE, &off)
        mysql_options(connection, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off)
        let flags = UInt(CLIENT_MULTI_STATEMENTS) | UInt(CLIENT_MULTI_RESULTS)
        guard mysql_real_connect(connection, host, user, password, database, UInt32(clamping: port), nil, flags) != nil else {
            let error = Self.error(connection)
            mysql_close(connection)
            throw error
        }
        self.connection = connection
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        // Read once, here: killQuery() needs it while query() holds the connection.
        self.threadID = UInt64(mysql_thread_id(connection))
    }

    deinit {
        mysql_close(connection)
    }

    /// The server's id for this connection (`mysql_thread_id`, `CONNECTION_ID()`), the one
    /// `KILL QUERY` names.
    public var connectionID: UInt64 { threadID }

    /// Runs `sql` (one statement or several separated by `;`) and returns the last statement's
    /// rows (NULL as nil; a statement without a result set gives no rows). Throws the first
    /// error, after which the server runs none of the following statements.
    public func query(_ sql: String) throws -> [[String?]] {
        try lock.withLock {
            let length = UInt(sql.utf8.count)
            guard mysql_real_query(connection, sql, length) == 0 else { throw Self.error(connection) }
            var rows: [[String?]] = []
            while true {
                if let result = mysql_store_result(connection) {
                    defer { mysql_free_result(result) }
                    rows = Self.rows(result)
                } else if mysql_field_count(connection) != 0 {
                    throw Self.error(connection)  // a result set was due and could not be read
                } else {
                    rows = []
                }
                // 0: another result follows; -1: that was the last; > 0: a later statement failed.
                let next = mysql_next_result(connection)
                if next == -1 { return rows }
                if next > 0 { throw Self.error(connection) }
            }
        }
    }

    /// Stops the statement running on this connection, as the `mysql` client's Ctrl+C does: a
    /// second connection with the same parameters sends `KILL QUERY <connectionID>`. The
    /// interrupted `query()` throws error 1317 (SQLSTATE 70100) and the connection stays
    /// usable. Callable from any thread, while another blocks in `query()`.
    public func killQuery() throws {
        let killer = try MariaDBConnection(
            host: host, port: port, user: user, password: password, database: database, connectTimeout: connectTimeout
        )
        _ = try killer.query("KILL QUERY \(threadID)")
    }

    /// `mysql_library_init`, once per process before the first `mysql_init` (which would
    /// otherwise do it, and is not thread-safe while doing so).
    private static func libraryReady() {
        _ = initialized
    }

    private static let initialized: Void = {
        _ = mysql_server_init(0, nil, nil)
    }()

    private static func rows(_ result: UnsafeMutablePointer<MYSQL_RES>) -> [[String?]] {
        let columns = Int(mysql_num_fields(result))
        var rows: [[String?]] = []
        while let row = mysql_fetch_row(result) {
            let lengths = mysql_fetch_lengths(result)
            rows.append((0..<columns).map { column in
                guard let value = row[column] else { return nil }
                let count = lengths.map { Int($0[column]) } ?? strlen(value)
                return value.withMemoryRebound(to: UInt8.self, capacity: count) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                }
            })
        }
        return rows
    }

    private static func error(_ connection: UnsafeMutablePointer<MYSQL>) -> MariaDBError {
        let sqlState = mysql_sqlstate(connection).map { String(cString: $0) }
        return MariaDBError(
            code: mysql_errno(connection),
            sqlState: sqlState?.isEmpty == false ? sqlState : nil,
            message: mysql_error(connection).map { String(cString: $0) } ?? "unknown libmariadb error"
        )
    }
}
