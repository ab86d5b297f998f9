import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real MariaDB server for one test or lab: a fresh data directory in a temp directory,
/// listening on 127.0.0.1 at a free port (and on a Unix socket in that directory), with
/// root@localhost and root@127.0.0.1 without a password. Stopped (and its directory removed) by
/// `stop()`, when the object goes away, or when the process exits.
///
/// mariadbd is spawned directly (not through mysqld_safe or the system service), in a process
/// group of its own; when we are root it switches to the mysql user itself (`--user=mysql`),
/// so the process we hold is the server.
///
public final class MariaDBServer: Sendable {
    public struct Options: Sendable {
        /// mariadbd settings, over ours, as `--name=value` (`["max-connections": "50"]`).
        public var settings: [String: String]

        public init(settings: [String: String] = [:]) {
            self.settings = settings
        }
    }

    public let port: Int
    public let host = "127.0.0.1"
    public let dataDirectory: String
    /// The server's Unix socket (in `dataDirectory`); `sql()` connects through it.
    public let socketPath: String
    private let installation: MariaDBInstallation
    private let process: ServerProcess

    private init(port: Int, dataDirectory: String, socketPath: String, installation: MariaDBInstallation, process: ServerProcess) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.socketPath = socketPath
        self.installation = installation
        self.process = process
    }

    deinit {
        stop()
    }

    static let directories = ServerDirectories(server: .mariadb, prefix: "dbtunnel-mariadb-")
    /// One mariadb-install-db per process (three to four seconds), copied for every server.
    private static let template = DataDirectoryTemplate(directories)
    /// Once per process, before its first server: the servers of crashed test runs go.
    private static let orphansRemoved: Void = directories.removeOrphans { directory in
        if let text = try? String(contentsOfFile: pidFile(directory), encoding: .utf8),
            let server = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            // What stop() does: SIGKILL, the directory goes next.
            ServerDirectories.stopOrphan(server, signal: SIGKILL, commandLineHas: "--datadir=\(directory)")
        }
    }

    /// The pid file mariadbd writes (`--pid-file`).
    static func pidFile(_ directory: String) -> String { directory + "/mariadbd.pid" }

    /// A fresh data directory (mariadb-install-db once per process, then copied) in a new temp
    /// directory, started and accepting connections. Takes well under a second after the first
    /// server; every wait is bounded.
    public static func start(_ options: Options = .init()) throws -> MariaDBServer {
        let installation = try MariaDBInstallation.locate()
        _ = orphansRemoved
        let owner = installation.serverUser.map { (uid: $0.uid, gid: $0.gid) }
        let directory = try directories.make(owner: owner)
        do {
            try template.copy(into: directory, owner: owner) { try installation.installDB(into: $0) }
            let socketPath = directory + "/mariadbd.sock"
            // Ready once mariadbd has logged "ready for connections" (after it listens on the
            // port and the socket).
            let (process, port) = try ServerProcess.start(
                .mariadb, program: "mariadbd",
                spawn: { port in
                    var arguments = [
                        installation.server, "--no-defaults", "--datadir=\(directory)", "--socket=\(socketPath)",
                        "--pid-file=\(pidFile(directory))", "--port=\(port)", "--bind-address=127.0.0.1",
                        "--skip-name-resolve", "--max-connections=300",
                    ] + installation.userArguments + MariaDBInstallation.storageArguments
                    arguments += options.settings.sorted { $0.key < $1.key }.map { "--\($0.key)=\($0.value)" }
                    return try Subprocess.spawn(arguments, environment: MariaDBInstallation.cleanEnvironment)
                },
                isReady: { $0.outputSoFar.stderr.contains("ready for connections") },
                portTaken: { $0.contains("Address already in use") }
            )
            let server = MariaDBServer(port: port, dataDirectory: directory, socketPath: socketPath, installation: installation, process: process)
            LiveMariaDBServers.shared.add(server, process: process, directory: directory)
            return server
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Runs `sql` (any number of statements) with the `mariadb` client over the server's Unix
    /// socket (`--batch --skip-column-names`), as root unless told otherwise, and returns its
    /// trimmed stdout: one line per row, columns separated by tabs. Throws with the client's
    /// stderr (`ERROR 1045 (28000): …`) when a statement fails.
    public func sql(
        _ sql: String,
        user: String = "root",
        password: String? = nil,
        database: String? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> String {
        var arguments = [
            installation.client, "--no-defaults", "--batch", "--skip-column-names", "--connect-timeout=10",
            "--protocol=SOCKET", "--socket=\(socketPath)", "--user=\(user)",
        ]
        if let password { arguments.append("--password=\(password)") }
        if let database { arguments.append("--database=\(database)") }
        let result = try Subprocess.run(arguments, environment: MariaDBInstallation.cleanEnvironment, input: sql, timeout: timeout)
        guard result.succeeded else {
            throw DatabaseServerError(
                .mariadb, code: .clientFailed,
                message: "mariadb as \(user) failed (\(result.timedOut ? "timed out" : "status \(result.status)"))",
                output: result.stderr
            )
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server at once (SIGKILL to its process group: a test server's data is thrown
    /// away, so there is nothing to shut down cleanly) and removes its directory. Idempotent.
    public func stop() {
        guard let process = process.takeForStopping() else { return }
        LiveMariaDBServers.shared.remove(self)
        self.process.stopped(process.terminate())
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// The server log so far (mariadbd logs to stderr, which we collect), for failure messages.
    public var log: String { process.log }
}
