import Foundation
import Lab

/// One troubleshooting case, as a scenario file describes it: what the user sees, why, the fix,
/// and the script that reproduces it (a lab, maybe a tunnel, then steps with expectations).
public struct Scenario: Sendable {
    /// How the tunnel is started: the lab database it points at, as whom, and with what.
    public struct Tunnel: Sendable {
        public var database: String
        public var dbUser: String?
        /// Extra `dbtunnel proxy db` flags.
        public var flags: [String] = []
        /// Changes to the environment the tunnel gets (the lab's exports); nil removes a variable.
        public var environment: [String: String?] = [:]
        /// False when the scenario expects the tunnel to give up at start (no credentials…):
        /// the runner does not wait for it to listen; `wait_for_tunnel_exit` collects its end.
        public var starts = true
    }

    /// What a step's command must have done; every present field must hold.
    public struct Expectation: Sendable {
        public enum Exit: Sendable, Equatable, CustomStringConvertible {
            case zero, nonzero, code(Int32)
            public var description: String {
                switch self {
                case .zero: "0"
                case .nonzero: "nonzero"
                case .code(let code): "\(code)"
                }
            }
        }
        public var exit: Exit?
        public var stdoutContains: [String] = []
        public var stderrContains: [String] = []
        /// stdout or stderr.
        public var outputContains: [String] = []
        /// A regular expression searched in stdout followed by stderr.
        public var outputMatches: String?
        public var elapsedUnder: Duration?
        public var tunnelLogContains: [String] = []
    }

    public enum Action: Sendable {
        /// psql through the tunnel: the text is appended to `psql <conninfo>` in a shell.
        case psql(String)
        /// `sh -c` with the lab's exports (and PG* variables pointing at the tunnel).
        case shell(String)
        /// The aws CLI with the lab's exports: the text is appended to `aws`.
        case aws(String)
        /// Switch the mock instance metadata service (normal, hop-limit-1, v1-disabled, no-role, slow).
        case imdsMode(String)
        /// Move the mock AWS clock forward (tokens and sessions age; the database endpoints follow it).
        case advanceClock(seconds: Int)
        /// Stop a lab backend (a real database server) mid-run.
        case stopBackend(String)
        /// Wait for the tunnel to exit; its exit status and output are the step's result.
        case waitForTunnelExit
        /// Only expectations (`expect_tunnel_log_contains`).
        case check
    }

    public struct Step: Sendable {
        public var action: Action
        public var expectation: Scenario.Expectation
        public var timeout: Duration
        /// Extra environment for commands.
        public var environment: [String: String] = [:]
        /// Where the step starts in the scenario file, for reports.
        public var line: Int
        /// The step as written (`psql: -c "select 1"`), for reports.
        public var summary: String
    }

    public var name: String
    public var symptom: String
    public var cause: String
    public var fix: String
    /// The scenario file.
    public var file: String
    public var lab: LabFile
    public var tunnel: Tunnel?
    public var steps: [Step]
}
