import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real PostgreSQL server for one test: a fresh cluster in a temp directory, listening on
/// 127.0.0.1 at a free port, trusting every local connection. Stopped (and its directory
/// removed) by `stop()` or when the object goes away.
///
/// postgres is spawned directly (not through `pg_ctl start`, which detaches it into a session
/// of its own), so it stays in a process group we kill if the test forgets to stop it.
public final class PostgresServer: Sendable {
    public struct Options: Sendable {
        /// Turns on `ssl`, with copies of these PEM files (PostgreSQL wants the key owned by the
        /// server user with mode 0600, so the originals are not used in place).
        public var tls: (certificatePath: String, keyPath: String)?
        /// pg_hba.conf lines put before the default ones ("local all all trust",
        /// "host all all 127.0.0.1/32 trust", and "hostssl all all 127.0.0.1/32 trust" with TLS).
        public var hba: [String]
        /// postgresql.conf settings, over ours (listen_addresses, unix_socket_directories,
        /// fsync=off, max_connections=300, the ssl ones). Values are plain: we quote them.
        public var settings: [String: String]

        public init(
            tls: (certificatePath: String, keyPath: String)? = nil,
            hba: [String] = [],
            settings: [String: String] = [:]
        ) {
            self.tls = tls
            self.hba = hba
            self.settings = settings
        }
    }

    public let port: Int
    public let host = "127.0.0.1"
    /// The cluster's superuser (initdb -U postgres), trusted from 127.0.0.1 without a password.
    public let superuser = "postgres"
    public let dataDirectory: String
    private let installation: PostgresInstallation
    private let process: ServerProcess

    private init(port: Int, dataDirectory: String, installation: PostgresInstallation, process: ServerProcess) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.installation = installation
        self.process = process
    }

    deinit {
        stop()
    }

    static let directories = ServerDirectories(server: .postgres, prefix: "dbtunnel-pg-")
    /// One initdb per process; options only touch files written after the copy (pg_hba.conf,
    /// postgresql.conf, the TLS files), so one template fits every server.
    private static let template = DataDirectoryTemplate(directories)
    /// Once per process, before its first server: the servers of crashed test runs go.
    private static let orphansRemoved: Void = directories.removeOrphans { directory in
        if let postmaster = ServerFiles.postmasterPID(directory: directory) {
            // SIGQUIT: immediate shutdown, as in stop().
            ServerDirectories.stopOrphan(postmaster, signal: SIGQUIT, commandLineHas: directory)
        }
    }

    /// A fresh cluster (initdb -A trust -U postgres --no-sync, once per process, then copied) in
    /// a new temp directory, configured, started, and accepting connections. Takes well under a
    /// second after the first server; every wait is bounded.
    public static func start(_ options: Options = .init()) throws -> PostgresServer {
        let installation = try PostgresInstallation.locate()
        _ = orphansRemoved
        let directory = try directories.make(owner: installation.serverUser)
        do {
            try template.copy(into: directory, owner: installation.serverUser) { try installation.initdb($0) }
            try ServerFiles(directory: directory, owner: installation.serverUser).configure(options)
            // Ready once postgres has marked postmaster.pid "ready" (as `pg_ctl -w` waits for).
            let (process, port) = try ServerProcess.start(
                .postgres, program: "postgres",
                spawn: { port in
                    try Subprocess.spawn(
                        installation.serverCommand("postgres", ["-D", directory, "-p", String(port)]),
                        environment: PostgresInstallation.cleanEnvironment
                    )
                },
                isReady: { _ in ServerFiles.postmasterStatus(directory: directory) == "ready" },
                portTaken: { $0.contains("could not bind") || $0.contains("Address already in use") }
            )
            return PostgresServer(port: port, dataDirectory: directory, installation: installation, process: process)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Runs `sql` (any number of statements, psql backslash commands too) through
    /// `psql -X -A -t -q -v ON_ERROR_STOP=1` over TCP, and returns its trimmed stdout: one line
    /// per row, columns separated by `|`. Throws with psql's stderr when a statement fails.
    public func psql(
        _ sql: String,
        user: String = "postgres",
        database: String = "postgres",
        timeout: Duration = .seconds(60)
    ) throws -> String {
        var environment = PostgresInstallation.cleanEnvironment
        environment["PGCONNECT_TIMEOUT"] = "10"
        let result = try Subprocess.run(
            [
                installation.clientProgram("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", host, "-p", String(port), "-U", user, "-d", database,
            ],
            environment: environment,
            input: sql,
            timeout: timeout
        )
        guard result.succeeded else {
            throw DatabaseServerError(
                .postgres, code: .clientFailed,
                message: "psql as \(user) on \(database) failed (\(result.timedOut ? "timed out" : "status \(result.status)"))",
                output: result.stderr
            )
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A libpq URL for the superuser on the `postgres` database, for psql in a shell:
    /// `psql "postgresql://postgres@127.0.0.1:54321/postgres" -c '…'`.
    public var superuserURL: String {
        "postgresql://\(superuser)@\(host):\(port)/postgres"
    }

    /// A libpq connection string for this server; `extra` is appended ("sslmode=require").
    public func connectionString(user: String = "postgres", database: String = "postgres", _ extra: String = "") -> String {
        "host=\(host) port=\(port) user=\(user) dbname=\(database) connect_timeout=10 \(extra)"
    }

    /// Stops the server at once and removes its directory. Idempotent.
    public func stop() {
        guard let process = process.takeForStopping() else { return }
        // What `pg_ctl stop -m immediate` does: SIGQUIT to the postmaster, which SIGQUITs its
        // backends, waits for them (SIGKILLing them after 5 s) and exits. Behind runuser the
        // process we hold is runuser, so the postmaster's pid comes from postmaster.pid.
        if installation.spawnsInPlace {
            process.signal(SIGQUIT)
        } else if process.isRunning, let postmaster = ServerFiles.postmasterPID(directory: dataDirectory) {
            kill(postmaster, SIGQUIT)
        }
        self.process.stopped(process.wait(timeout: .seconds(15)) ?? process.terminate())
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// The server log so far (postgres logs to stderr, which we collect), for failure messages.
    public var log: String { process.log }
}
