import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started by `Subprocess.spawn`, leader of its own process group.
///
/// Killed with its whole group when this object goes away, so a failing test cannot leave
/// children behind. The threads that reap the child and drain its output hold only the
/// `ProcessMonitor`, never this object, so dropping the last reference does run `deinit`.
public final class RunningProcess: Sendable {
    public let pid: pid_t
    private let monitor: ProcessMonitor

    init(pid: pid_t, stdout: Int32, stderr: Int32, stdin: (fd: Int32, bytes: [UInt8])?) {
        self.pid = pid
        self.monitor = ProcessMonitor(pid: pid, stdout: stdout, stderr: stderr, stdin: stdin)
    }

    deinit {
        if !monitor.finished {
            monitor.killGroup(SIGKILL)
            monitor.abandonOutput()
        }
    }

    /// Sends `sig` to the program itself (not its group): SIGINT to psql, SIGQUIT to postgres.
    /// Does nothing once the program has been reaped (its pid may belong to someone else).
    public func signal(_ sig: Int32) {
        monitor.signalLeader(sig)
    }

    /// Whether the program has not exited yet.
    public var isRunning: Bool { !monitor.exited }

    /// The output so far, for failure messages about a program that is still running.
    public var outputSoFar: (stdout: String, stderr: String) { monitor.output }

    /// Waits until the program has exited and its output pipes have closed; nil if that takes
    /// longer than `timeout` (the program keeps running).
    public func wait(timeout: Duration) -> SubprocessResult? {
        monitor.waitUntilFinished(deadline: ContinuousClock.now + timeout) ? monitor.result(timedOut: false) : nil
    }

    /// Kills the whole process group with SIGKILL and collects what it left.
    @discardableResult
    public func terminate() -> SubprocessResult {
        kill(timedOut: false)
    }

    func kill(timedOut: Bool) -> SubprocessResult {
        monitor.killGroup(SIGKILL)
        // SIGKILL is not instant for a process in uninterruptible sleep: bound the wait. Output
        // pipes still open after that belong to something that left our group (say, a daemon);
        // stop reading them rather than hang.
        if !monitor.waitUntilFinished(deadline: ContinuousClock.now + .seconds(10)) {
            monitor.abandonOutput()
            _ = monitor.waitUntilFinished(deadline: ContinuousClock.now + .seconds(1))
        }
        return monitor.result(timedOut: timedOut)
    }
}

/// Reaps one child and drains its stdout and stderr, each on a thread of its own (both block).
///
/// `@unchecked Sendable`: every mutable field is read and written only with `condition` locked.
final class ProcessMonitor: @unchecked Sendable {
    private let pid: pid_t
    private let condition = NSCondition()
    private var status: Int32?  // set when reaped
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var drained = false
    private var abandoned = false

    init(pid: pid_t, stdout: Int32, stderr: Int32, stdin: (fd: Int32, bytes: [UInt8])?) {
        self.pid = pid
        Thread.detachNewThread { [self] in reap() }
        Thread.detachNewThread { [self] in drain(stdout, stderr) }
        if let stdin {
            Thread.detachNewThread { Self.feed(stdin.bytes, to: stdin.fd) }
        }
    }

    var exited: Bool { locked { status != nil } }
    var finished: Bool { locked { status != nil && drained } }

    var output: (stdout: String, stderr: String) {
        locked { (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)) }
    }

    func result(timedOut: Bool) -> SubprocessResult {
        locked {
            SubprocessResult(
                status: status ?? -1,
                stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self),
                timedOut: timedOut
            )
        }
    }

    func waitUntilFinished(deadline: ContinuousClock.Instant) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while status == nil || !drained {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
        }
        return true
    }

    /// Reaping happens with the lock held, so a signal sent with the lock held always reaches
    /// our child (alive, or a zombie that ignores it), never a process that reused its pid.
    func signalLeader(_ signal: Int32) {
        locked {
            if status == nil { _ = kill(pid, signal) }
        }
    }

    /// While the leader is unreaped, or anything still holds its output pipes, the group id
    /// `pid` is in use and cannot name an unrelated group.
    func killGroup(_ signal: Int32) {
        locked {
            if status == nil || !drained { _ = kill(-pid, signal) }
        }
    }

    /// Makes the drain thread close the pipes and finish, whatever still holds their other ends.
    func abandonOutput() {
        locked { abandoned = true }
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    private func reap() {
        // Wait for the exit without reaping (WNOWAIT), then reap under the lock: see signalLeader.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1, errno == EINTR {}
        condition.lock()
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1, errno == EINTR {}
        // Exit code, or 128 + signal as a shell reports it (WIFEXITED / WTERMSIG by hand: the
        // macros are not imported).
        status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        condition.broadcast()
        condition.unlock()
    }

    private func drain(_ stdoutFD: Int32, _ stderrFD: Int32) {
        var open = [stdoutFD, stderrFD]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            // A short poll timeout so `abandonOutput()` is noticed.
            if locked({ abandoned }) { break }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 100) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    locked {
                        if entry.fd == stdoutFD { stdout += buffer[0..<count] } else { stderr += buffer[0..<count] }
                    }
                } else if count == 0 || errno != EINTR {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        open.forEach { close($0) }
        locked {
            drained = true
            condition.broadcast()
        }
    }

    private static func feed(_ bytes: [UInt8], to fd: Int32) {
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0  // SO_NOSIGPIPE is set on the socket
            #endif
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, flags) }
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EINTR {
                continue
            } else {
                return  // the child closed its stdin or exited: what it did not read is dropped
            }
        }
    }
}
