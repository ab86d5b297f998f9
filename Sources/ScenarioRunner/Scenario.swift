import AWSMocks
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
        /// Texts that must appear in neither stdout nor stderr (a secret, a retry message).
        public var outputLacks: [String] = []
        public var elapsedUnder: Duration?
        public var elapsedOver: Duration?
        /// The SQLSTATE of the error a built-in client (libpq, libmariadb) got.
        public var sqlState: String?
        public var tunnelLogContains: [String] = []
        /// The lab's log: the mock AWS and the mock database endpoints (why a token was refused…).
        public var labLogContains: [String] = []
    }

    /// A query run by a built-in client linked into dbtunnel (no external program).
    public struct BuiltInQuery: Sendable {
        public var query: String
        /// Cancel the running query from another thread after this long (libpq's PQcancel,
        /// libmariadb's `KILL QUERY`).
        public var cancelAfter: Duration?
        /// libpq only: connection keywords added after the ones pointing at the tunnel (later
        /// ones win); `${NAME}` takes the value of an environment variable of the step.
        public var conninfo: String?
    }

    /// Where a `libmariadb` step signs in: a MariaDB backend of the lab, directly (the MySQL
    /// tunnel, when it comes, becomes the default).
    public struct MariaDBLogin: Sendable {
        public var backend: String
        public var user: String
        public var password: String?
        public var database: String?
    }

    /// A policy taken away from an IAM identity mid-run, as an administrator would.
    public struct DetachPolicy: Sendable {
        public var holder: IAMIdentityKind
        public var holderName: String
        /// An inline policy's name or a managed policy's name or ARN.
        public var policy: String
    }

    public enum Action: Sendable {
        /// psql through the tunnel: the text is appended to `psql <conninfo>` in a shell.
        case psql(String)
        /// `sh -c` with the lab's exports (and PG* variables pointing at the tunnel).
        case shell(String)
        /// The aws CLI with the lab's exports: the text is appended to `aws`.
        case aws(String)
        /// A Python program with `boto3` imported, run with the lab's exports.
        case boto3(String)
        /// A query through the tunnel with libpq, linked into dbtunnel.
        case libpq(BuiltInQuery)
        /// A query with libmariadb, linked into dbtunnel (cancel: `KILL QUERY` on a second
        /// connection, as the mysql client's Ctrl+C).
        case libmariadb(BuiltInQuery, MariaDBLogin)
        /// Make a database's endpoint drop packets (clients time out) or refuse connections.
        case cutEndpoint(database: String, how: EndpointCut)
        /// Make a database's endpoint wait before it answers each new connection.
        case delayEndpoint(database: String, by: Duration)
        /// Undo cut_endpoint and delay_endpoint.
        case restoreEndpoint(database: String)
        /// Remove a policy from a user, role or group in the mock IAM.
        case detachPolicy(DetachPolicy)
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
        /// For commands: send SIGINT (Ctrl+C) to the program after this long.
        public var interruptAfter: Duration?
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
    /// The developer's `~/.aws/config` and `~/.aws/credentials` in this scenario (written to the
    /// files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name before the tunnel starts).
    public var awsConfig: String?
    public var awsCredentials: String?
    public var tunnel: Tunnel?
    public var steps: [Step]
}
