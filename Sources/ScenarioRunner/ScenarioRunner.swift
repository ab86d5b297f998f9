import Foundation
import Lab

/// Runs scenarios, a few at a time, each in its own lab with its own tunnel.
public final class ScenarioRunner: Sendable {
    public struct Configuration: Sendable {
        /// The dbtunnel executable the tunnels run from.
        public var dbtunnelPath: String
        /// Scenarios run at the same time.
        public var jobs: Int
        /// Where each scenario's temporary directory goes.
        public var temporaryDirectory: String

        public init(dbtunnelPath: String, jobs: Int = 2, temporaryDirectory: String? = nil) {
            self.dbtunnelPath = dbtunnelPath
            self.jobs = max(1, jobs)
            self.temporaryDirectory = temporaryDirectory
                ?? (ProcessInfo.processInfo.environment["TMPDIR"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "/tmp")
        }
    }

    public let configuration: Configuration
    private let resources = LiveResources()

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs every scenario, reporting each result as it comes; the results in the given order.
    public func run(_ scenarios: [Scenario], report: @escaping @Sendable (ScenarioResult) -> Void = { _ in }) async -> [ScenarioResult] {
        await withTaskGroup(of: (Int, ScenarioResult).self) { group in
            var results = [ScenarioResult?](repeating: nil, count: scenarios.count)
            var next = 0
            func startNext() {
                guard next < scenarios.count else { return }
                let index = next, scenario = scenarios[index]
                next += 1
                group.addTask { [configuration, resources] in
                    (index, await ScenarioExecution(scenario: scenario, configuration: configuration, resources: resources).run())
                }
            }
            for _ in 0..<configuration.jobs { startNext() }
            while let finished = await group.next() {
                let (index, result) = finished
                results[index] = result
                report(result)
                if !resources.interrupted { startNext() }
            }
            return results.compactMap { $0 }
        }
    }

    /// Ctrl+C: kills every process the scenarios started so their steps end now; the scenarios
    /// then stop their labs and tunnels as usual. `stopEverything()` is the backstop.
    public func interrupt() async {
        await resources.interruptProcesses()
    }

    /// Stops whatever is still running (labs included) and removes the temporary directories.
    public func stopEverything() async {
        await resources.stopAll()
    }
}
