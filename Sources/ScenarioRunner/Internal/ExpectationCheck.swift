import Foundation
import Lab

/// Which of a step's expectations did not hold, each as a line for the report.
struct ExpectationCheck {
    let expectation: Scenario.Expectation
    let outcome: CommandOutcome?
    let tunnel: RunningProcess?
    let labLog: LogBuffer

    /// How long the tunnel's log may lag behind what a client saw.
    static let logGrace: Duration = .seconds(5)

    func unmet() async -> [String] {
        var unmet: [String] = []
        if let outcome {
            if let exit = expectation.exit {
                let holds = switch exit {
                case .zero: outcome.status == 0 && !outcome.timedOut
                case .nonzero: outcome.status != 0 && !outcome.timedOut
                case .code(let code): outcome.status == code && !outcome.timedOut
                }
                if !holds { unmet.append("exit \(exit)") }
            }
            for text in expectation.stdoutContains where !outcome.stdout.contains(text) { unmet.append("stdout contains \"\(text)\"") }
            for text in expectation.stderrContains where !outcome.stderr.contains(text) { unmet.append("stderr contains \"\(text)\"") }
            for text in expectation.outputContains where !(outcome.stdout + outcome.stderr).contains(text) {
                unmet.append("output contains \"\(text)\"")
            }
            if let pattern = expectation.outputMatches {
                let output = outcome.stdout + outcome.stderr
                let regex = try? NSRegularExpression(pattern: pattern)
                if regex?.firstMatch(in: output, range: NSRange(output.startIndex..., in: output)) == nil {
                    unmet.append("output matches /\(pattern)/")
                }
            }
            for text in expectation.outputLacks where (outcome.stdout + outcome.stderr).contains(text) {
                unmet.append("output lacks \"\(text)\"")
            }
            if let bound = expectation.elapsedUnder, outcome.elapsed >= bound {
                unmet.append("elapsed under \(bound.seconds) s (took \(outcome.elapsed.seconds) s)")
            }
            if let bound = expectation.elapsedOver, outcome.elapsed <= bound {
                unmet.append("elapsed over \(bound.seconds) s (took \(outcome.elapsed.seconds) s)")
            }
            if let sqlState = expectation.sqlState, outcome.sqlState != sqlState {
                unmet.append("SQLSTATE \(sqlState) (got \(outcome.sqlState ?? "none"))")
            }
        }
        if !expectation.tunnelLogContains.isEmpty {
            unmet += await missingFromTunnelLog()
        }
        if !expectation.labLogContains.isEmpty {
            unmet += await missingFromLabLog()
        }
        return unmet
    }

    private func missingFromLabLog() async -> [String] {
        let deadline = ContinuousClock.now + Self.logGrace
        while true {
            let missing = expectation.labLogContains.filter { !labLog.contains($0) }
            if missing.isEmpty { return [] }
            if ContinuousClock.now >= deadline { return missing.map { "lab log contains \"\($0)\"" } }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func missingFromTunnelLog() async -> [String] {
        guard let tunnel else { return expectation.tunnelLogContains.map { "tunnel log contains \"\($0)\" (no tunnel)" } }
        let deadline = ContinuousClock.now + Self.logGrace
        while true {
            let log = ScenarioExecution.log(of: tunnel)
            let missing = expectation.tunnelLogContains.filter { !log.contains($0) }
            if missing.isEmpty { return [] }
            if ContinuousClock.now >= deadline || !tunnel.isRunning {
                return missing.map { "tunnel log contains \"\($0)\"" }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
