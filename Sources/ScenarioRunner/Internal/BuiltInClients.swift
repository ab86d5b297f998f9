import DBClients
import Foundation
import Synchronization

/// The clients linked into dbtunnel: a step's query runs without an external program, and the
/// outcome carries what only a driver sees (the SQLSTATE).
enum BuiltInClients {
    /// Connects with libpq, runs `query.query` and, with `cancel_after`, cancels it from another
    /// thread (PQcancel, as drivers do). Rows go to stdout (`|` between columns), the error to
    /// stderr. A query still running at `timeout` is cancelled and reported as timed out.
    static func libpq(_ query: Scenario.BuiltInQuery, conninfo: String, timeout: Duration) async throws -> CommandOutcome {
        let started = ContinuousClock.now
        let connection: LibPQConnection
        do {
            connection = try await onThread { try LibPQConnection(conninfo) }
        } catch let error as LibPQError {
            return CommandOutcome(status: 1, stdout: "", stderr: error.message + "\n", timedOut: false, elapsed: ContinuousClock.now - started, sqlState: error.sqlState)
        }
        let finished = Finished()
        let canceller = Task {
            if let delay = query.cancelAfter {
                try await Task.sleep(for: delay)
                try? await onThread { try connection.cancel() }
            }
            try await Task.sleep(for: timeout - (query.cancelAfter ?? .zero))
            finished.timedOut = true
            try? await onThread { try connection.cancel() }
        }
        defer { canceller.cancel() }
        let text = query.query
        let result = await onThreadResult {
            try connection.sendQuery(text)
            return try connection.waitForResult()
        }
        let elapsed = ContinuousClock.now - started
        switch result {
        case .success(let rows):
            let stdout = rows.map { $0.map { $0 ?? "" }.joined(separator: "|") + "\n" }.joined()
            return CommandOutcome(status: 0, stdout: stdout, stderr: "", timedOut: finished.timedOut, elapsed: elapsed)
        case .failure(let error):
            let libpq = error as? LibPQError
            return CommandOutcome(
                status: 1, stdout: "", stderr: (libpq?.message ?? "\(error)") + "\n", timedOut: finished.timedOut, elapsed: elapsed,
                sqlState: libpq?.sqlState
            )
        }
    }

    /// Set by the watchdog when it cancelled a query that ran past the step's timeout.
    private final class Finished: Sendable {
        private let value = Mutex(false)
        var timedOut: Bool {
            get { value.withLock { $0 } }
            set { value.withLock { $0 = newValue } }
        }
    }
}

/// `onThread`, keeping the error as a value.
private func onThreadResult<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async -> Result<Value, any Error> {
    do { return .success(try await onThread(body)) } catch { return .failure(error) }
}
