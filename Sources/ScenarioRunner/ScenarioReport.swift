import Foundation

/// What a person reads: one line per scenario, and for a failure what was expected, what
/// happened, and the tails of the tunnel's and the lab's logs.
public enum ScenarioReport {
    public static func line(_ result: ScenarioResult) -> String {
        let time = String(format: "%.1fs", result.seconds)
        guard let failure = result.failure else { return "PASS \(result.name) (\(time))" }
        var lines = ["FAIL \(result.name) (\(time))", "  at \(failure.location)", "  expected:"]
        lines += failure.expected.map { "    - \($0)" }
        lines.append("  actual:")
        lines += failure.actual.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }
        if !result.tunnelLogTail.isEmpty {
            lines.append("  tunnel log (last \(result.tunnelLogTail.count) lines):")
            lines += result.tunnelLogTail.map { "    | \($0)" }
        }
        if !result.labLogTail.isEmpty {
            lines.append("  lab log (last \(result.labLogTail.count) lines):")
            lines += result.labLogTail.map { "    | \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    public static func summary(_ results: [ScenarioResult], seconds: Double) -> String {
        let failed = results.filter { !$0.passed }.count
        return "\(results.count - failed) passed, \(failed) failed" + String(format: " (%.1fs)", seconds)
    }
}
