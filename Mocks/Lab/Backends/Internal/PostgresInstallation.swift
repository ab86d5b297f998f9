import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the PostgreSQL server programs are, and how to run them from this process.
///
/// Found at run time, not hard-coded to a version: `pg_config --bindir` when that directory has
/// the server (Debian's /usr/bin/pg_config falls back to libpq-dev's copy, whose bindir is
/// /usr/bin, when no server-dev package is installed), else the newest
/// /usr/lib/postgresql/<major>/bin, else wherever `initdb` is on PATH.
struct PostgresInstallation: Sendable {
    let binDirectory: String
    /// The user that owns the data directory and runs initdb and postgres, when we are root
    /// (both refuse to run as root); nil when they run as ourselves.
    let serverUser: (uid: uid_t, gid: gid_t)?
    /// Put in front of a server command line to run it as `serverUser`. `setpriv` execs in
    /// place, so the pid we hold is postgres itself; `runuser` (the fallback) forks and waits.
    let runAsServerUser: [String]
    /// Whether the process we spawn is the program itself (no wrapper, or `setpriv`).
    var spawnsInPlace: Bool { runAsServerUser.first != "runuser" }

    static func locate() throws -> PostgresInstallation {
        try cached.get()
    }

    private static let cached: Result<PostgresInstallation, any Error> = Result {
        guard let binDirectory = findBinDirectory() else {
            throw DatabaseServerError(
                .postgres, code: .serverNotInstalled,
                message: "no initdb and postgres found (pg_config --bindir, /usr/lib/postgresql/*/bin, PATH); install postgresql"
            )
        }
        guard geteuid() == 0 else {
            return PostgresInstallation(binDirectory: binDirectory, serverUser: nil, runAsServerUser: [])
        }
        guard let entry = getpwnam("postgres") else {
            throw DatabaseServerError(
                .postgres, code: .serverNotInstalled,
                message: "running as root, and there is no postgres user to run initdb and postgres as (they refuse root)"
            )
        }
        let environment = ProcessInfo.processInfo.environment
        let prefix =
            Subprocess.lookUp("setpriv", path: environment["PATH"]) != nil
            ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
            : ["runuser", "-u", "postgres", "--"]
        return PostgresInstallation(
            binDirectory: binDirectory,
            serverUser: (entry.pointee.pw_uid, entry.pointee.pw_gid),
            runAsServerUser: prefix
        )
    }

    /// A server program's command line, run as the server user when we are root.
    func serverCommand(_ program: String, _ arguments: [String]) -> [String] {
        runAsServerUser + [binDirectory + "/" + program] + arguments
    }

    /// A client program (psql) from the same installation, else from PATH.
    func clientProgram(_ program: String) -> String {
        let path = binDirectory + "/" + program
        return access(path, X_OK) == 0 ? path : program
    }

    /// Our environment without PG* variables (PGDATA, PGPORT, PGSSLMODE, PGOPTIONS, …), which
    /// would otherwise steer initdb, postgres and psql away from the server we mean.
    static var cleanEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
    }

    private static func findBinDirectory() -> String? {
        func hasServer(_ directory: String) -> Bool {
            access(directory + "/initdb", X_OK) == 0 && access(directory + "/postgres", X_OK) == 0
        }
        if let result = try? Subprocess.run(["pg_config", "--bindir"], environment: cleanEnvironment, timeout: .seconds(10)),
            result.succeeded
        {
            let directory = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if hasServer(directory) { return directory }
        }
        let root = "/usr/lib/postgresql"
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }
        for major in majors.sorted(by: >) where hasServer("\(root)/\(major)/bin") {
            return "\(root)/\(major)/bin"
        }
        if let initdb = Subprocess.lookUp("initdb", path: ProcessInfo.processInfo.environment["PATH"]) {
            // /usr/local/bin/initdb may be a symlink into the real bindir: follow it.
            let directory = (URL(fileURLWithPath: initdb).resolvingSymlinksInPath().path as NSString).deletingLastPathComponent
            if hasServer(directory) { return directory }
        }
        return nil
    }

    /// Fills `directory` with a fresh cluster (superuser postgres, trust authentication, UTF8,
    /// C locale).
    func initdb(_ directory: String) throws {
        // --no-sync: a test cluster need not survive a power cut. --no-locale: the same
        // collation everywhere, whatever the machine's locale.
        let result = try Subprocess.run(
            serverCommand(
                "initdb",
                ["-D", directory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--no-locale"]
            ),
            environment: PostgresInstallation.cleanEnvironment,
            timeout: .seconds(120)
        )
        guard result.succeeded else {
            throw DatabaseServerError(
                .postgres, code: .initializeFailed,
                message: "initdb failed (\(result.timedOut ? "timed out" : "status \(result.status)"))",
                output: result.stdout + result.stderr
            )
        }
    }
}
