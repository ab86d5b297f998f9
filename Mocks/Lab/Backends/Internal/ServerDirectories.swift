import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temp data directories of one kind of test server: made here, named after the test
/// process that owns them (`/tmp/<prefix><pid>-XXXXXX`), and cleaned up when that process died
/// without stopping them.
///
/// A test runner that crashes (a failed precondition, a signal) never runs `stop()` or `deinit`,
/// and its servers keep running. The next run that starts a server of the same kind stops those
/// orphans and removes their directories, so they do not pile up. Directories of live
/// processes, other test runs' included, are left alone.
struct ServerDirectories: Sendable {
    /// /tmp, not NSTemporaryDirectory(): a server's Unix socket lives in its data directory and
    /// its path must fit in 107 bytes (macOS's TMPDIR is long), and the server user must be able
    /// to reach it (root's TMPDIR may be private).
    static let parent = "/tmp"

    let server: DatabaseServerError.Server
    let prefix: String

    /// A new directory for a server of ours, mode 0700, owned by the server user when that is not us.
    func make(owner: (uid: uid_t, gid: gid_t)?) throws -> String {
        var template = Array("\(Self.parent)/\(prefix)\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DatabaseServerError(
                server, code: .dataDirectory, message: "cannot create a directory in \(Self.parent)",
                underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            )
        }
        let directory = String(cString: made)
        if let owner, chown(directory, owner.uid, owner.gid) != 0 {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
            rmdir(directory)
            throw DatabaseServerError(server, code: .dataDirectory, message: "cannot hand \(directory) to the server user", underlying: error)
        }
        return directory
    }

    /// Removes the directories whose owning process is gone, after `stopServer(directory)` has
    /// stopped the server still running on it (if any).
    func removeOrphans(stoppingServers stopServer: (String) -> Void) {
        #if os(Linux)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.parent)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let parts = name.dropFirst(prefix.count).split(separator: "-")
            // kill(owner, 0) fails with ESRCH only when no such process exists (EPERM: alive).
            guard parts.count == 2, let owner = pid_t(parts[0]), owner != getpid(),
                kill(owner, 0) == -1, errno == ESRCH
            else { continue }
            let directory = "\(Self.parent)/\(name)"
            stopServer(directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        #endif
    }

    /// Sends `signal` to an orphaned server, waits up to 10 s for it to go, then SIGKILL.
    /// Only a live process whose command line has `argument` (its data directory) is signalled,
    /// so a recycled pid never is; a zombie has an empty command line.
    static func stopOrphan(_ pid: pid_t, signal: Int32, commandLineHas argument: String) {
        func running() -> Bool {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.contains(argument)
        }
        guard running() else { return }
        kill(pid, signal)
        let deadline = ContinuousClock.now + .seconds(10)
        while running(), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        if running() { kill(pid, SIGKILL) }
    }
}

/// One initialized data directory per test process and kind of server (initdb or
/// mariadb-install-db take seconds on a busy two-core machine; `cp -a` of the result a tenth of
/// that, and test suites start many servers); every server after the first starts from a copy.
/// Templates are removed when the process exits normally (`ServerDirectories` sweeps them up
/// after a crash).
final class DataDirectoryTemplate: Sendable {
    private let directories: ServerDirectories
    private let directory = Mutex<String?>(nil)
    /// Every template made in this process, for the exit handler (static storage gets no deinit).
    private static let made = Mutex<[String]>([])

    init(_ directories: ServerDirectories) {
        self.directories = directories
    }

    /// Fills the empty directory `destination` with a copy of the template, which
    /// `initialize(directory)` makes the first time.
    func copy(into destination: String, owner: (uid: uid_t, gid: gid_t)?, initialize: (String) throws -> Void) throws {
        let template = try directory.withLock { directory in
            if let directory { return directory }
            let made = try directories.make(owner: owner)
            do {
                try initialize(made)
            } catch {
                try? FileManager.default.removeItem(atPath: made)
                throw error
            }
            directory = made
            let first = Self.made.withLock { all in
                all.append(made)
                return all.count == 1
            }
            if first { atexit { DataDirectoryTemplate.removeAll() } }
            return made
        }
        // -a keeps owners (the server user, when we are root) and modes (PostgreSQL checks
        // them); "/." copies the contents, hidden files included, into the existing directory.
        let copied = try Subprocess.run(["cp", "-a", template + "/.", destination], timeout: .seconds(60))
        guard copied.succeeded else {
            throw DatabaseServerError(
                directories.server, code: .dataDirectory, message: "cannot copy the template data directory \(template)", output: copied.stderr
            )
        }
    }

    private static func removeAll() {
        let all = made.withLock { all in
            defer { all = [] }
            return all
        }
        for directory in all { try? FileManager.default.removeItem(atPath: directory) }
    }
}
