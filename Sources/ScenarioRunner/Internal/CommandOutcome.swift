import Foundation
import Lab

/// What a step's command (or the tunnel, for `wait_for_tunnel_exit`) did.
struct CommandOutcome: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
    var elapsed: Duration
    /// The SQLSTATE a built-in client's error carried.
    var sqlState: String?

    init(status: Int32, stdout: String, stderr: String, timedOut: Bool, elapsed: Duration, sqlState: String? = nil) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
        self.elapsed = elapsed
        self.sqlState = sqlState
    }

    init(_ result: SubprocessResult, elapsed: Duration) {
        status = result.status
        stdout = result.stdout
        stderr = result.stderr
        timedOut = result.timedOut
        self.elapsed = elapsed
    }

    /// For the report: status, time, and the end of each stream.
    var summary: String {
        var text = timedOut ? "timed out after \(elapsed.seconds) s (killed)" : "exit \(status) after \(elapsed.seconds) s"
        if let sqlState { text += ", SQLSTATE \(sqlState)" }
        for (name, stream) in [("stdout", stdout), ("stderr", stderr)] where !stream.isEmpty {
            let lines = stream.split(separator: "\n", omittingEmptySubsequences: false).suffix(15)
            text += "\n\(name):\n" + lines.map { "  | \($0)" }.joined(separator: "\n")
        }
        return text
    }
}

extension Duration {
    /// Seconds with one decimal, for reports.
    var seconds: String {
        let value = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return String(format: "%.1f", value)
    }

    var timeInterval: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
