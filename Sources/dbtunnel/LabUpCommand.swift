import ArgumentParser
import AWSMocks
import Foundation
import Lab
import Logging

/// Where a lab started by `lab up` keeps its state (pid, exports, CA, log).
struct LabStateOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "The lab's state directory (default: $TMPDIR/dbtunnel-lab-<uid>).")
    var stateDirectory: String?

    var resolved: String {
        stateDirectory ?? ((ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/dbtunnel-lab-\(getuid())")
    }
    var pidFile: String { resolved + "/lab.pid" }
    var envFile: String { resolved + "/lab.env" }
    var logFile: String { resolved + "/lab.log" }
}

/// `dbtunnel lab up LAB.yaml`: starts the lab in the background and prints its exports.
struct LabUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start a lab (real backends, mock AWS, mock endpoints) and print the export lines that point clients at it."
    )

    @Argument(help: "The lab file (see Mocks/labs/default.yaml).")
    var labFile: String

    @OptionGroup var state: LabStateOptions

    @Flag(help: "Run in the foreground until Ctrl+C instead of in the background.")
    var foreground = false

    func validate() throws {
        do { _ = try LabFile.load(path: labFile) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        if foreground { return try await runForeground() }
        if let pid = try? String(contentsOfFile: state.pidFile, encoding: .utf8), let running = pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)), kill(running, 0) == 0 {
            throw ValidationError("a lab is already running from \(state.resolved) (pid \(running)); run `dbtunnel lab down` first")
        }
        try? FileManager.default.removeItem(atPath: state.envFile)
        try FileManager.default.createDirectory(atPath: state.resolved, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: state.logFile, contents: nil)
        // A session of its own: the lab outlives this command and the terminal's signals.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = [CommandLine.arguments[0], "lab", "up", labFile, "--foreground", "--state-dir", state.resolved]
        let log = FileHandle(forWritingAtPath: state.logFile)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let exports = try? String(contentsOfFile: state.envFile, encoding: .utf8) {
                print(exports, terminator: "")
                return
            }
            if !process.isRunning {
                let tail = (try? String(contentsOfFile: state.logFile, encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
                throw ValidationError("the lab did not start:\n\(tail)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw ValidationError("the lab did not start within 120 s; see \(state.logFile)")
    }

    private func runForeground() async throws {
        var logger = Logger(label: "dbtunnel-lab")
        logger.logLevel = .info
        let lab = try LabFile.load(path: labFile)
        let runtime = try await LabRuntime.start(lab, stateDirectory: state.resolved, logger: logger)
        try "\(getpid())\n".write(toFile: state.pidFile, atomically: true, encoding: .utf8)
        try runtime.exportScript.write(toFile: state.envFile, atomically: true, encoding: .utf8)
        logger.info("lab \(lab.name) is up: mock AWS at \(runtime.server.endpointURL ?? "?")")
        await ProxyDBCommand.waitForTermination()
        logger.info("lab \(lab.name) is stopping")
        await runtime.stop()
        try? FileManager.default.removeItem(atPath: state.envFile)
        try? FileManager.default.removeItem(atPath: state.pidFile)
    }
}

/// `dbtunnel lab env`: the export lines of the running lab.
struct LabEnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "env", abstract: "Print the export lines of the running lab.")

    @OptionGroup var state: LabStateOptions

    func run() throws {
        guard let exports = try? String(contentsOfFile: state.envFile, encoding: .utf8) else {
            throw ValidationError("no lab is running from \(state.resolved); start one with `dbtunnel lab up LAB.yaml`")
        }
        print(exports, terminator: "")
    }
}

/// `dbtunnel lab down`: stops the running lab and everything it started.
struct LabDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop the running lab and remove its state.")

    @OptionGroup var state: LabStateOptions

    func run() async throws {
        guard let text = try? String(contentsOfFile: state.pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw ValidationError("no lab is running from \(state.resolved)")
        }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while kill(pid, 0) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: state.resolved)
        print("lab stopped")
    }
}
