import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One initdb per test process; every server after the first starts from a copy of it.
///
/// initdb takes one to three seconds on a busy two-core machine; `cp -a` of its 40 MB takes a
/// tenth of that, and test suites start many servers. Options only touch files written after
/// the copy (pg_hba.conf, postgresql.conf, the TLS files), so one template fits every server.
///
/// `@unchecked Sendable`: `directory` is read and written only with `lock` held.
final class ClusterTemplate: @unchecked Sendable {
    static let shared = ClusterTemplate()

    private let lock = NSLock()
    private var directory: String?

    /// Fills the empty directory `destination` with a fresh cluster (superuser postgres, trust
    /// authentication, UTF8, C locale).
    func copy(into destination: String, installation: PostgresInstallation) throws {
        let template = try lock.withLock {
            if let directory { return directory }
            let made = try StaleServers.makeDataDirectory(owner: installation.serverUser)
            do {
                try Self.initdb(made, installation: installation)
            } catch {
                try? FileManager.default.removeItem(atPath: made)
                throw error
            }
            directory = made
            // Static storage gets no deinit: remove the template when the test process exits
            // normally (StaleServers sweeps it up after a crash).
            atexit { ClusterTemplate.shared.remove() }
            return made
        }
        // -a keeps owners (postgres, when we are root) and modes (PostgreSQL checks them); "/."
        // copies the contents, hidden files included, into the existing directory.
        let copied = try Subprocess.run(["cp", "-a", template + "/.", destination], timeout: .seconds(60))
        guard copied.succeeded else {
            throw PostgresServerError(code: .dataDirectory, message: "cannot copy the template cluster \(template)", output: copied.stderr)
        }
    }

    private func remove() {
        lock.withLock {
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
            directory = nil
        }
    }

    private static func initdb(_ directory: String, installation: PostgresInstallation) throws {
        // --no-sync: a test cluster need not survive a power cut. --no-locale: the same
        // collation everywhere, whatever the machine's locale.
        let result = try Subprocess.run(
            installation.serverCommand(
                "initdb",
                ["-D", directory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--no-locale"]
            ),
            environment: PostgresInstallation.cleanEnvironment,
            timeout: .seconds(120)
        )
        guard result.succeeded else {
            throw PostgresServerError(
                code: .initdbFailed,
                message: "initdb failed (\(result.timedOut ? "timed out" : "status \(result.status)"))",
                output: result.stdout + result.stderr
            )
        }
    }
}
