import DBClients
import Foundation
import Synchronization

/// A blocking connection of a client linked into dbtunnel, as a step uses it.
protocol BuiltInConnection: Sendable {
    /// Runs `sql`, blocking, and returns the last statement's rows.
    func run(_ sql: String) throws -> [[String?]]
    /// Cancels what `run` is doing, from another thread (as the client's Ctrl+C would).
    func cancelRunning() throws
}

extension LibPQConnection: BuiltInConnection {
    func run(_ sql: String) throws -> [[String?]] {
        try sendQuery(sql)
        return try waitForResult()
    }

    func cancelRunning() throws { try cancel() }
}

extension MariaDBConnection: BuiltInConnection {
    func run(_ sql: String) throws -> [[String?]] { try query(sql) }
    func cancelRunning() throws { try killQuery() }
}

/// The clients linked into dbtunnel: a step's query runs without an external program, and the
/// outcome carries what only a driver sees (the SQLSTATE).
enum BuiltInClients {
    /// libpq with `conninfo` (the tunnel, then the step's keywords).
    static func libpq(_ query: Scenario.BuiltInQuery, conninfo: String, timeout: Duration) async -> CommandOutcome {
        await run(query, timeout: timeout) { try LibPQConnection(conninfo) }
    }

    /// libmariadb at `host:port` as `login` says.
    static func libmariadb(_ query: Scenario.BuiltInQuery, login: Scenario.MariaDBLogin, host: String, port: Int, timeout: Duration) async -> CommandOutcome {
        await run(query, timeout: timeout) {
            try MariaDBConnection(host: host, port: port, user: login.user, password: login.password, database: login.database)
        }
    }

    /// Connects, runs `query.query` and, with `cancel_after`, cancels it from another thread.
    /// Rows go to stdout (`|` between columns), the error to stderr (exit 1). A query still
    /// running at `timeout` is cancelled and reported as timed out.
    private static func run(
        _ query: Scenario.BuiltInQuery, timeout: Duration, connect: @escaping @Sendable () throws -> some BuiltInConnection
    ) async -> CommandOutcome {
        let started = ContinuousClock.now
        let connection: any BuiltInConnection
        do {
            connection = try await onThread(connect)
        } catch {
            return failure(error, elapsed: ContinuousClock.now - started, timedOut: false)
        }
        let timedOut = Flag()
        let canceller = Task {
            if let delay = query.cancelAfter {
                try await Task.sleep(for: delay)
                try? await onThread { try connection.cancelRunning() }
            }
            try await Task.sleep(for: timeout - (query.cancelAfter ?? .zero))
            timedOut.set()
            try? await onThread { try connection.cancelRunning() }
        }
        defer { canceller.cancel() }
        let text = query.query
        do {
            let rows = try await onThread { try connection.run(text) }
            let stdout = rows.map { $0.map { $0 ?? "" }.joined(separator: "|") + "\n" }.joined()
            return CommandOutcome(status: 0, stdout: stdout, stderr: "", timedOut: timedOut.isSet, elapsed: ContinuousClock.now - started)
        } catch {
            return failure(error, elapsed: ContinuousClock.now - started, timedOut: timedOut.isSet)
        }
    }

    /// The client's own text (`ERROR 1045 (28000): …`, libpq's message) and its SQLSTATE.
    private static func failure(_ error: any Error, elapsed: Duration, timedOut: Bool) -> CommandOutcome {
        let (text, sqlState): (String, String?) = switch error {
        case let error as LibPQError: (error.message, error.sqlState)
        case let error as MariaDBError: (error.description, error.sqlState)
        default: ("\(error)", nil)
        }
        return CommandOutcome(status: 1, stdout: "", stderr: text + "\n", timedOut: timedOut, elapsed: elapsed, sqlState: sqlState)
    }

    /// Set by the watchdog when it cancelled a query that ran past the step's timeout.
    private final class Flag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }
}
