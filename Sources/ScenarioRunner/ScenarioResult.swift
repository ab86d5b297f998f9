/// How one scenario went.
public struct ScenarioResult: Sendable {
    /// Why a scenario failed: the step (when one was running), what it expected, what happened.
    public struct Failure: Sendable {
        /// `step 2 (Scenarios/x.yaml:14): psql -c "select 1"`, or the phase (`lab`, `tunnel`).
        public var location: String
        public var expected: [String]
        public var actual: String
    }

    public var name: String
    public var file: String
    public var seconds: Double
    public var failure: Failure?
    /// The last lines of the tunnel's output (its log) and of the lab's log, kept for failures.
    public var tunnelLogTail: [String] = []
    public var labLogTail: [String] = []

    public var passed: Bool { failure == nil }
}
