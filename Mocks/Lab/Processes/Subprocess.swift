import CSpawnShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished program left behind.
public struct SubprocessResult: Sendable, CustomStringConvertible {
    /// The exit code, or 128 + the signal number when a signal ended the program (as a shell
    /// reports it: SIGKILL is 137).
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// The deadline passed and the program's process group was killed.
    public let timedOut: Bool

    public var succeeded: Bool { status == 0 && !timedOut }

    public var description: String {
        "status \(status)\(timedOut ? " (timed out)" : "")\nstdout: \(stdout)\nstderr: \(stderr)"
    }
}

public struct SubprocessError: Error, CustomStringConvertible {
    public enum Code: Sendable {
        case programNotFound
        case couldNotStart
    }

    public let code: Code
    public let program: String
    /// The `errno` behind `couldNotStart`.
    public let underlying: Int32?

    public var description: String {
        switch code {
        case .programNotFound:
            "\(program): not found on PATH; install it or pass an absolute path"
        case .couldNotStart:
            "\(program): could not start: \(String(cString: strerror(underlying ?? 0)))"
        }
    }
}

/// Runs programs for tests: `posix_spawn` into a process group of their own, so a timeout or
/// `terminate()` also kills whatever they started, with stdout and stderr drained by a thread
/// (no deadlock on a full pipe) and never on the concurrency pool.
public enum Subprocess {
    /// Runs `arguments[0]` (looked up on `PATH`) to completion, or kills its process group when
    /// `timeout` passes.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil inherits ours.
    ///   - input: written to the child's stdin, which is then closed; nil gives it /dev/null.
    public static func run(
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: String? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> SubprocessResult {
        let process = try spawn(arguments, environment: environment, input: input)
        if let result = process.wait(timeout: timeout) { return result }
        return process.kill(timedOut: true)
    }

    /// Starts `arguments[0]` (looked up on `PATH`) and returns at once. The process is killed,
    /// with its group, when the returned object goes away.
    public static func spawn(
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: String? = nil
    ) throws -> RunningProcess {
        precondition(!arguments.isEmpty, "Subprocess needs a program to run")
        let environment = environment ?? ProcessInfo.processInfo.environment
        let program = arguments[0]
        guard let executable = lookUp(program, path: environment["PATH"]) else {
            throw SubprocessError(code: .programNotFound, program: program, underlying: nil)
        }

        // Every descriptor we make is close-on-exec, so a program another test spawns at the
        // same moment does not inherit our pipe ends (and keep them open past our child's exit).
        // `dup2` onto 0, 1 and 2 in the child clears the flag for those copies.
        var stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1], stdinPair: [Int32] = [-1, -1]
        defer { (stdoutPipe + stderrPipe + stdinPair).filter { $0 >= 0 }.forEach { close($0) } }
        guard makePipe(&stdoutPipe), makePipe(&stderrPipe) else {
            throw SubprocessError(code: .couldNotStart, program: program, underlying: errno)
        }
        // Input goes through a socket pair, not a pipe: `send(MSG_NOSIGNAL)` turns a child that
        // exits without reading into EPIPE instead of a SIGPIPE that would kill the test runner.
        if input != nil, !makeSocketPair(&stdinPair) {
            throw SubprocessError(code: .couldNotStart, program: program, underlying: errno)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if input != nil {
            posix_spawn_file_actions_adddup2(&actions, stdinPair[1], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        // Nothing else of ours reaches the program: NIO's sockets are not close-on-exec, and a
        // child holding a mock endpoint's listening socket keeps it listening after we close it.
        _ = dbtunnel_spawn_add_closefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (killed as one), default signal handlers and an empty signal mask:
        // the spawning thread may be a pool thread that blocks signals, and psql must still
        // see the SIGINT a test sends it.
        var noSignals = sigset_t(), mostSignals = sigset_t()
        sigemptyset(&noSignals)
        sigemptyset(&mostSignals)
        for signal in 1..<Int32(32) where signal != SIGKILL && signal != SIGSTOP { sigaddset(&mostSignals, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &mostSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw SubprocessError(code: .couldNotStart, program: program, underlying: spawned)
        }

        // Hand our ends to the monitor; the defer closes the child's ends (and only those).
        let process = RunningProcess(
            pid: pid,
            stdout: stdoutPipe[0],
            stderr: stderrPipe[0],
            stdin: input.map { (stdinPair[0], Array($0.utf8)) }
        )
        stdoutPipe[0] = -1
        stderrPipe[0] = -1
        stdinPair[0] = -1
        return process
    }

    /// `program` itself when it has a slash, else the first executable regular file of that name
    /// on `path` (the child's `PATH`, which is what a shell would search).
    static func lookUp(_ program: String, path: String?) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        for directory in directories {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    #if os(Linux)
    /// Glibc's Swift module leaves out `pipe2` (a _GNU_SOURCE function), and `pipe` + `fcntl`
    /// leaves a window in which another thread's spawn inherits the descriptors.
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    #endif

    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        #if os(Linux)
        if let pipe2 { return pipe2(&fds, O_CLOEXEC) == 0 }
        guard pipe(&fds) == 0 else { return false }
        fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        return true
        #else
        guard pipe(&fds) == 0 else { return false }
        fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        return true
        #endif
    }

    private static func makeSocketPair(_ fds: inout [Int32]) -> Bool {
        #if os(Linux)
        return socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0
        #else
        guard socketpair(AF_UNIX, SOCK_STREAM, 0, &fds) == 0 else { return false }
        var on: Int32 = 1
        fds.forEach {
            _ = fcntl($0, F_SETFD, FD_CLOEXEC)
            _ = setsockopt($0, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        return true
        #endif
    }
}
