import CSpawnShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion off the concurrency thread pool, with a deadline.
///
/// Spawned with `posix_spawn` in a process group of its own, so a timeout kills the program
/// *and* whatever it started (a shell script's `sleep`, a helper's children), and no
/// grandchild keeps the output pipes open after the deadline.
enum ChildProcess {
    struct Output: Sendable {
        let status: Int32
        let stdout: [UInt8]
        let stderr: [UInt8]
        let timedOut: Bool
    }

    struct SpawnError: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { "could not start the process: \(String(cString: strerror(errno)))" }
    }

    /// `arguments[0]` is looked up on the environment's `PATH` (through `/usr/bin/env`, as
    /// `subprocess.Popen` would find it).
    static func run(_ arguments: [String], environment: [String: String], timeout: Duration) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            // Waiting and reading block: give them their own thread, never a pool thread.
            let thread = Thread {
                do {
                    continuation.resume(returning: try runBlocking(arguments, environment: environment, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String], timeout: Duration) throws -> Output {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw SpawnError(errno: errno) }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw SpawnError(errno: errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        // credential_process gets nothing else of ours (NIO's sockets are not close-on-exec: a
        // helper that lingers would keep the tunnel's listening socket open).
        _ = dbtunnel_spawn_add_closefrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp)
        close(outPipe[1]); close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw SpawnError(errno: spawned)
        }

        let deadline = ContinuousClock.now + timeout
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero {
                timedOut = true
                kill(-pid, SIGKILL)  // the whole group
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let milliseconds = Int32(min(remaining.components.seconds * 1000 + 1, 1000))
            guard poll(&fds, nfds_t(fds.count), milliseconds) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    if entry.fd == outPipe[0] { stdout += buffer[0..<count] } else { stderr += buffer[0..<count] }
                } else if count == 0 || errno != EINTR {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        open.forEach { close($0) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        // Exit code, or 128 + signal as a shell reports it.
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Output(status: exitCode, stdout: stdout, stderr: stderr, timedOut: timedOut)
    }
}
