import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The servers of this process that are still running, killed when it exits: `exit` runs no
/// `deinit`, and mariadbd (unlike a postgres backend) does not notice that its parent is gone.
///
/// `@unchecked Sendable`: `servers` is read and written only with `lock` held.
final class LiveMariaDBServers: @unchecked Sendable {
    static let shared = LiveMariaDBServers()

    private let lock = NSLock()
    private var servers: [ObjectIdentifier: (process: ServerProcess, directory: String)] = [:]
    private var registeredExitHandler = false

    func add(_ server: MariaDBServer, process: ServerProcess, directory: String) {
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
            _ = server.process.takeForStopping()?.terminate()
            try? FileManager.default.removeItem(atPath: server.directory)
        }
    }
}
