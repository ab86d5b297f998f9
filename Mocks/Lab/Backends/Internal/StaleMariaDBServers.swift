import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temp data directories of test MariaDB servers, named after the test process that owns
/// them; as `StaleServers` does for PostgreSQL, the first server of a run stops the servers of
/// test processes that died without stopping theirs, and removes their directories.
enum StaleMariaDBServers {
    /// /tmp, not NSTemporaryDirectory(): the Unix socket lives in the data directory and its
    /// path must fit in 107 bytes, and the mysql user must be able to reach it.
    static let parent = "/tmp"
    static let prefix = "dbtunnel-mariadb-"

    /// /tmp/dbtunnel-mariadb-<our pid>-XXXXXX, mode 0700, owned by the server user when that is not us.
    static func makeDirectory(owner: (name: String, uid: uid_t, gid: gid_t)?) throws -> String {
        var template = Array("\(parent)/\(prefix)\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw MariaDBServerError(
                code: .dataDirectory, message: "cannot create a directory in \(parent)",
                underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            )
        }
        let directory = String(cString: made)
        if let owner, chown(directory, owner.uid, owner.gid) != 0 {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
            rmdir(directory)
            throw MariaDBServerError(code: .dataDirectory, message: "cannot hand \(directory) to the mysql user", underlying: error)
        }
        return directory
    }

    /// The pid file mariadbd writes (`--pid-file`).
    static func pidFile(_ directory: String) -> String { directory + "/mariadbd.pid" }

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
            if let text = try? String(contentsOfFile: pidFile(directory), encoding: .utf8),
                let server = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), isServer(server, of: directory)
            {
                kill(server, SIGKILL)  // what stop() does: the directory goes next
                let deadline = ContinuousClock.now + .seconds(10)
                while isServer(server, of: directory), ContinuousClock.now < deadline {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
        #endif
    }()

    /// Whether `pid` is a live mariadbd started on `directory` (its command line names it), so a
    /// recycled pid is never signalled. A zombie has an empty command line.
    static func isServer(_ pid: pid_t, of directory: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains("--datadir=\(directory)")
    }
}

/// The servers of this process that are still running, killed when it exits: `exit` runs no
/// `deinit`, and mariadbd (unlike a postgres backend) does not notice that its parent is gone.
///
/// `@unchecked Sendable`: `servers` is read and written only with `lock` held.
final class LiveMariaDBServers: @unchecked Sendable {
    static let shared = LiveMariaDBServers()

    private let lock = NSLock()
    private var servers: [ObjectIdentifier: (process: RunningProcess, directory: String)] = [:]
    private var registeredExitHandler = false

    func add(_ server: MariaDBServer, process: RunningProcess, directory: String) {
        lock.withLock {
            servers[ObjectIdentifier(server)] = (process, directory)
            if !registeredExitHandler {
                registeredExitHandler = true
                atexit { LiveMariaDBServers.shared.killAll() }
            }
        }
    }

    func remove(_ server: MariaDBServer) {
        _ = lock.withLock { servers.removeValue(forKey: ObjectIdentifier(server)) }
    }

    private func killAll() {
        let taken = lock.withLock {
            defer { servers = [:] }
            return Array(servers.values)
        }
        for server in taken {
            server.process.terminate()
            try? FileManager.default.removeItem(atPath: server.directory)
        }
    }
}
