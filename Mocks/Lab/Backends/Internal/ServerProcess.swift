import Foundation
import Synchronization

/// The process of a test database server we started, and its log once it has stopped.
final class ServerProcess: Sendable {
    private struct State {
        var process: RunningProcess?  // nil once stopped
        var stoppedLog = ""
    }

    private let state: Mutex<State>

    private init(_ process: RunningProcess) {
        state = Mutex(State(process: process))
    }

    /// The running process, handed out once to whoever stops it; nil once stopped.
    func takeForStopping() -> RunningProcess? {
        state.withLock { state in
            defer { state.process = nil }
            return state.process
        }
    }

    /// Keeps what the stopped server printed, for `log`.
    func stopped(_ result: SubprocessResult) {
        state.withLock { $0.stoppedLog = result.stderr + result.stdout }
    }

    /// The server log so far (servers log to stderr, which we collect), for failure messages.
    var log: String {
        state.withLock { state in
            guard let process = state.process else { return state.stoppedLog }
            let output = process.outputSoFar
            return output.stderr + output.stdout
        }
    }

    /// Starts a server on a free port: `spawn(port)` starts it, `isReady(process)` says it
    /// accepts connections (its own signal, never a connection to the port, which could reach
    /// another server that took it). FreePort's port can be taken by someone else before the
    /// server binds it, so a server that exits saying so (`portTaken(stderr)`) is tried on
    /// another port, three ports in all. Every wait is bounded (30 s per try).
    static func start(
        _ server: DatabaseServerError.Server, program: String,
        spawn: (Int) throws -> RunningProcess, isReady: (RunningProcess) -> Bool, portTaken: (String) -> Bool
    ) throws -> (process: ServerProcess, port: Int) {
        var attempt = 0
        while true {
            attempt += 1
            let port = try FreePort.next()
            let process = try spawn(port)
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, !isReady(process), ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            if process.isRunning, isReady(process) { return (ServerProcess(process), port) }
            if process.isRunning {
                let result = process.terminate()
                throw DatabaseServerError(
                    server, code: .startFailed, message: "\(program) did not accept connections within 30 s",
                    output: result.stderr + result.stdout
                )
            }
            let result = process.wait(timeout: .seconds(5)) ?? process.terminate()
            if attempt < 3, portTaken(result.stderr) { continue }
            throw DatabaseServerError(
                server, code: .startFailed, message: "\(program) exited during startup (status \(result.status))",
                output: result.stderr + result.stdout
            )
        }
    }
}
