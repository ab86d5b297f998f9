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
///
/// `@unchecked Sendable`: the `let`s never change, and the only mutable state (the running
/// process, and the log kept once it has stopped) is read and written with `lock` held.
public final class PostgresServer: @unchecked Sendable {
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
    private let lock = NSLock()
    private var process: RunningProcess?  // nil once stopped
    private var stoppedLog = ""

    private init(port: Int, dataDirectory: String, installation: PostgresInstallation, process: RunningProcess) {
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
            // FreePort's port can be taken by someone else before postgres binds it: try another.
            for attempt in 1...3 {
                let port = try FreePort.next()
                let process = try Subprocess.spawn(
                    installation.serverCommand("postgres", ["-D", directory, "-p", String(port)]),
                    environment: PostgresInstallation.cleanEnvironment
                )
                if try waitUntilReady(process, directory: directory, portIsLastTry: attempt == 3) {
                    return PostgresServer(port: port, dataDirectory: directory, installation: installation, process: process)
                }
            }
            preconditionFailure("the last attempt either returns or throws")
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
        let process: RunningProcess? = lock.withLock {
            defer { self.process = nil }
            return self.process
        }
        guard let process else { return }
        // What `pg_ctl stop -m immediate` does: SIGQUIT to the postmaster, which SIGQUITs its
        // backends, waits for them (SIGKILLing them after 5 s) and exits. Behind runuser the
        // process we hold is runuser, so the postmaster's pid comes from postmaster.pid.
        if installation.spawnsInPlace {
            process.signal(SIGQUIT)
        } else if process.isRunning, let postmaster = ServerFiles.postmasterPID(directory: dataDirectory) {
            kill(postmaster, SIGQUIT)
        }
        let result = process.wait(timeout: .seconds(15)) ?? process.terminate()
        lock.withLock { stoppedLog = result.stderr + result.stdout }
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// The server log so far (postgres logs to stderr, which we collect), for failure messages.
    public var log: String {
        lock.withLock {
            guard let process else { return stoppedLog }
            let output = process.outputSoFar
            return output.stderr + output.stdout
        }
    }

    /// True once postgres has marked postmaster.pid "ready" (as `pg_ctl -w` waits for; asking the
    /// port instead could reach another server that took it); false if it could not bind its
    /// port and may be tried on another. Throws on any other failure.
    private static func waitUntilReady(_ process: RunningProcess, directory: String, portIsLastTry: Bool) throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let result = process.wait(timeout: .seconds(5)) ?? process.terminate()
                if !portIsLastTry, result.stderr.contains("could not bind") || result.stderr.contains("Address already in use") {
                    return false
                }
                throw DatabaseServerError(
                    .postgres, code: .startFailed,
                    message: "postgres exited during startup (status \(result.status))",
                    output: result.stderr + result.stdout
                )
            }
            if ServerFiles.postmasterStatus(directory: directory) == "ready" { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let result = process.terminate()
        throw DatabaseServerError(
            .postgres, code: .startFailed,
            message: "postgres did not accept connections within 30 s",
            output: result.stderr + result.stdout
        )
    }
}
