import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the MariaDB programs are, and who runs the server.
///
/// mariadbd lives outside PATH on Debian (/usr/sbin), so the usual directories are searched
/// after PATH; the MySQL-era names (mysqld, mysql_install_db, mysql) are accepted too.
struct MariaDBInstallation: Sendable {
    let server: String
    let installDB: String
    let client: String
    /// The user that owns the data directory and that mariadbd switches to (`--user`), when we
    /// are root (mariadbd refuses to run as root otherwise); nil when it runs as ourselves.
    let serverUser: (name: String, uid: uid_t, gid: gid_t)?

    static func locate() throws -> MariaDBInstallation {
        try cached.get()
    }

    private static let cached: Result<MariaDBInstallation, any Error> = Result {
        guard let server = find(["mariadbd", "mysqld"]), let installDB = find(["mariadb-install-db", "mysql_install_db"]) else {
            throw DatabaseServerError(
                .mariadb, code: .serverNotInstalled,
                message: "no mariadbd and mariadb-install-db found (PATH, /usr/sbin, /usr/libexec, /usr/local/bin); install mariadb-server"
            )
        }
        guard let client = find(["mariadb", "mysql"]) else {
            throw DatabaseServerError(.mariadb, code: .serverNotInstalled, message: "no mariadb client found; install mariadb-client")
        }
        guard geteuid() == 0 else {
            return MariaDBInstallation(server: server, installDB: installDB, client: client, serverUser: nil)
        }
        guard let entry = getpwnam("mysql") else {
            throw DatabaseServerError(
                .mariadb, code: .serverNotInstalled,
                message: "running as root, and there is no mysql user for mariadbd to switch to (it refuses to run as root)"
            )
        }
        return MariaDBInstallation(
            server: server, installDB: installDB, client: client,
            serverUser: ("mysql", entry.pointee.pw_uid, entry.pointee.pw_gid)
        )
    }

    /// `--user=mysql` when we are root: mariadb-install-db and mariadbd switch to it themselves,
    /// so the process we spawn is mariadbd (no setpriv or runuser in between).
    var userArguments: [String] {
        serverUser.map { ["--user=\($0.name)"] } ?? []
    }

    /// Server settings shared by mariadb-install-db (its bootstrap server) and mariadbd: small
    /// InnoDB files (a 26 MB data directory instead of 114 MB, so copies are quick) and no
    /// syncing, since a test server need not survive a power cut.
    static let storageArguments = [
        "--innodb-log-file-size=8M",
        "--innodb-buffer-pool-size=32M",
        "--innodb-flush-log-at-trx-commit=0",
        "--innodb-doublewrite=0",
        "--innodb-flush-method=nosync",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_general_ci",
    ]

    /// Our environment without MYSQL_* variables (MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD, …),
    /// which would otherwise steer the server and the client away from the server we mean.
    static var cleanEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MYSQL") && !$0.key.hasPrefix("MARIADB") }
    }

    private static func find(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path + ":/usr/sbin:/usr/libexec:/usr/local/sbin:/usr/local/bin:/usr/bin:/opt/homebrew/bin"
        for name in names {
            if let found = Subprocess.lookUp(name, path: directories) { return found }
        }
        return nil
    }

    /// Fills `directory` with a fresh data directory: root@localhost and root@127.0.0.1 without a
    /// password (`--auth-root-authentication-method=normal`), no test database, no anonymous users.
    func installDB(into directory: String) throws {
        // --no-defaults first (the script insists): no /etc/mysql/my.cnf. --skip-name-resolve:
        // no resolveip, and grants by address.
        let result = try Subprocess.run(
            [
                installDB, "--no-defaults", "--datadir=\(directory)", "--auth-root-authentication-method=normal",
                "--skip-test-db", "--skip-name-resolve",
            ] + userArguments + Self.storageArguments,
            environment: Self.cleanEnvironment,
            timeout: .seconds(120)
        )
        guard result.succeeded else {
            throw DatabaseServerError(
                .mariadb, code: .initializeFailed,
                message: "mariadb-install-db failed (\(result.timedOut ? "timed out" : "status \(result.status)"))",
                output: result.stdout + result.stderr
            )
        }
    }
}
