import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temp data directories of test servers: made here, named after the test process that owns
/// them, and cleaned up when that process died without stopping them.
///
/// A test runner that crashes (a failed precondition, a signal) never runs `stop()` or `deinit`,
/// and its postgres keeps running. The next run that starts a server stops those orphans and
/// removes their directories, so they do not pile up. Directories of live processes, other
/// test runs' included, are left alone.
enum StaleServers {
    /// /tmp, not NSTemporaryDirectory(): the server's Unix socket lives in the data directory and
    /// its path must fit in 107 bytes (macOS's TMPDIR is long), and the postgres user must be able
    /// to reach it (root's TMPDIR may be private).
    static let parent = "/tmp"
    static let prefix = "dbtunnel-pg-"

    /// /tmp/dbtunnel-pg-<our pid>-XXXXXX, mode 0700, owned by the server user when that is not us.
    static func makeDataDirectory(owner: (uid: uid_t, gid: gid_t)?) throws -> String {
        var template = Array("\(parent)/\(prefix)\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw PostgresServerError(code: .dataDirectory, message: "cannot create a directory in \(parent)", underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
        }
        let directory = String(cString: made)
        if let owner, chown(directory, owner.uid, owner.gid) != 0 {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
            rmdir(directory)
            throw PostgresServerError(code: .dataDirectory, message: "cannot hand \(directory) to the server user", underlying: error)
        }
        return directory
    }

    /// Once per test process, before its first server.
    static func sweepOnce() {
        _ = swept
    }

    private static let swept: Void = {
        #if os(Linux)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let parts = name.dropFirst(prefix.count).split(separator: "-")
            // kill(owner, 0) fails with ESRCH only when no such process exists (EPERM: alive).
            guard parts.count == 2, let owner = pid_t(parts[0]), owner != getpid(),
                kill(owner, 0) == -1, errno == ESRCH
            else { continue }
            let directory = "\(parent)/\(name)"
            if let postmaster = ServerFiles.postmasterPID(directory: directory), isPostmaster(postmaster, of: directory) {
                kill(postmaster, SIGQUIT)  // immediate shutdown, as in PostgresServer.stop()
                let deadline = ContinuousClock.now + .seconds(10)
                while isPostmaster(postmaster, of: directory), ContinuousClock.now < deadline {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                if isPostmaster(postmaster, of: directory) { kill(postmaster, SIGKILL) }
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
        #endif
    }()

    /// Whether `pid` is a live postgres started on `directory` (its command line names it), so a
    /// recycled pid is never signalled. A zombie has an empty command line.
    private static func isPostmaster(_ pid: pid_t, of directory: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains(directory)
    }
}
