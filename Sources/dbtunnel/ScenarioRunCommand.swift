import ArgumentParser
import Foundation
import ScenarioRunner

/// `dbtunnel scenario run`: each scenario in its own lab with its own tunnel; a line per scenario,
/// a report per failure, JUnit XML on request; exit status 1 when any failed.
struct ScenarioRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios: a lab, a tunnel and real clients each; PASS or FAIL with what happened.",
        discussion: "Ctrl+C stops every lab, tunnel and client the run started, then exits with status 130."
    )

    @OptionGroup var selection: ScenarioSelection

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Scenarios to run at the same time.")
    var jobs: Int = 2

    @Option(help: "The dbtunnel executable for the tunnels (default: this one).")
    var dbtunnel: String?

    func validate() throws {
        guard (1...32).contains(jobs) else { throw ValidationError("--jobs must be from 1 to 32") }
    }

    func run() async throws {
        let scenarios = try selection.load()
        guard !scenarios.isEmpty else { throw ValidationError("no scenario matches") }
        let runner = ScenarioRunner(configuration: .init(dbtunnelPath: try executable(), jobs: jobs))
        let interrupted = OnceFlag()
        let sources = Self.onInterrupt {
            guard interrupted.claim() else { return }
            FileHandle.standardError.write(Data("interrupted: stopping every lab, tunnel and client\n".utf8))
            Task {
                await runner.interrupt()
                // The scenarios stop their own labs; this is the backstop if one hangs.
                try? await Task.sleep(for: .seconds(60))
                await runner.stopEverything()
                Foundation.exit(130)
            }
        }
        defer { sources.forEach { $0.cancel() } }
        let clock = ContinuousClock(), started = clock.now
        let results = await runner.run(scenarios) { result in
            FileHandle.standardOutput.write(Data((ScenarioReport.line(result) + "\n").utf8))
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Claimed already: Ctrl+C came during the run (claiming now also retires the handler).
        if !interrupted.claim() {
            await runner.stopEverything()
            throw ExitCode(130)
        }
        print(ScenarioReport.summary(results, seconds: seconds))
        if let junit {
            try JUnitReport.xml(results, seconds: seconds).write(toFile: junit, atomically: true, encoding: .utf8)
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode.failure }
    }

    /// This executable, by absolute path (the tunnels are started from other directories' views).
    private func executable() throws -> String {
        if let dbtunnel { return dbtunnel }
        if let path = Bundle.main.executablePath { return path }
        let argument = CommandLine.arguments[0]
        guard argument.contains("/") else { throw ValidationError("cannot tell where dbtunnel is; pass --dbtunnel PATH") }
        return argument.hasPrefix("/") ? argument : FileManager.default.currentDirectoryPath + "/" + argument
    }

    /// SIGINT and SIGTERM call `handler` (on a dispatch queue) instead of ending the process.
    private static func onInterrupt(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        return [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
