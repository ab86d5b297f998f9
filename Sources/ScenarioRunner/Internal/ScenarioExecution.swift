import AWSMocks
import Foundation
import Lab
import Logging

/// One scenario from start to end: its own temporary directory, lab and tunnel, the steps in
/// order, and everything stopped again whatever happened.
struct ScenarioExecution {
    let scenario: Scenario
    let configuration: ScenarioRunner.Configuration
    let resources: LiveResources

    /// A step (or the set-up) did not go as the scenario says.
    struct Failed: Error {
        let failure: ScenarioResult.Failure
    }

    func run() async -> ScenarioResult {
        let clock = ContinuousClock()
        let started = clock.now
        var result = ScenarioResult(name: scenario.name, file: scenario.file, seconds: 0)
        let safeName = String(scenario.name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        let directory = configuration.temporaryDirectory + "/dbtunnel-scenario-\(safeName)-\(UUID().uuidString.prefix(8).lowercased())"
        resources.add(directory: directory)
        let labLog = LogBuffer()
        var runtime: LabRuntime?
        var tunnel: RunningProcess?
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            do {
                let lab = try await LabRuntime.start(
                    scenario.lab, stateDirectory: directory + "/lab", logger: labLog.logger(label: "lab", level: .info)
                )
                runtime = lab
                resources.add(lab)
            } catch {
                throw Failed(failure: .init(location: "lab", expected: ["the lab starts"], actual: "\(error)"))
            }
            let lab = runtime!
            guard !resources.interrupted else { throw Failed(failure: .init(location: "lab", expected: ["no interrupt"], actual: "interrupted")) }
            var environment = Self.baseEnvironment()
            for (name, value) in lab.environment { environment[name] = value }
            environment["DBTUNNEL"] = configuration.dbtunnelPath
            environment["SCENARIO_DIR"] = directory
            // The aws CLI caches assumed-role sessions under ~/.aws/cli/cache: a session from an
            // earlier lab (another mock world) would be sent here and refused.
            environment["HOME"] = directory
            try writeAWSFiles(environment: environment)
            var port: Int?
            if let spec = scenario.tunnel {
                let process = try startTunnel(spec, lab: lab, environment: environment)
                tunnel = process
                if spec.starts { port = try await waitUntilListening(process) }
            }
            if let port {
                environment["PGHOST"] = "127.0.0.1"
                environment["PGPORT"] = String(port)
                environment["PGUSER"] = scenario.tunnel?.dbUser ?? "postgres"
                environment["PGDATABASE"] = "postgres"
                environment["PGSSLMODE"] = "disable"
                environment["PGCONNECT_TIMEOUT"] = "15"
            }
            for (index, step) in scenario.steps.enumerated() {
                try await run(step, number: index + 1, lab: lab, tunnel: tunnel, labLog: labLog, environment: environment)
            }
        } catch let failed as Failed {
            result.failure = failed.failure
        } catch {
            result.failure = .init(location: "scenario", expected: ["it runs"], actual: "\(error)")
        }
        if let tunnel {
            result.tunnelLogTail = Array(Self.lines(of: tunnel).suffix(20))
            _ = try? await onThread { tunnel.terminate() }
            resources.remove(tunnel)
        }
        if let runtime {
            await runtime.stop()
            resources.remove(runtime)
        }
        try? FileManager.default.removeItem(atPath: directory)
        resources.remove(directory: directory)
        result.labLogTail = labLog.tail(20)
        result.seconds = (clock.now - started).timeInterval
        return result
    }

    /// Ours without the developer's AWS and libpq settings: the lab decides those.
    static func baseEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("PG") }
    }

    static func log(of tunnel: RunningProcess) -> String {
        let output = tunnel.outputSoFar
        return output.stdout + output.stderr
    }

    static func lines(of tunnel: RunningProcess) -> [String] {
        log(of: tunnel).split(separator: "\n").map(String.init)
    }

    private func startTunnel(_ spec: Scenario.Tunnel, lab: LabRuntime, environment: [String: String]) throws -> RunningProcess {
        guard let endpoint = lab.endpoints.first(where: { $0.database.identifier == spec.database }) else {
            throw Failed(failure: .init(location: "tunnel", expected: ["database \(spec.database) in the lab"], actual: "not there"))
        }
        let database = endpoint.database
        var arguments = [
            configuration.dbtunnelPath, "proxy", "db", "--protocol", "postgres", "--uri", "\(database.hostname):\(database.port)",
            "--connect-to", "\(database.hostname):\(database.port):127.0.0.1:\(endpoint.port)", "--ca-file", lab.caPath,
        ]
        if let user = spec.dbUser { arguments += ["--db-user", user] }
        arguments += spec.flags.map { Self.expand($0, environment: environment) }
        var environment = environment
        for (name, value) in spec.environment { environment[name] = value }
        do {
            let process = try Subprocess.spawn(arguments, environment: environment)
            resources.add(process)
            return process
        } catch {
            throw Failed(failure: .init(location: "tunnel", expected: ["the tunnel starts"], actual: "\(error)"))
        }
    }

    /// The scenario's `aws_config` and `aws_credentials`, into the files the lab's exports name.
    private func writeAWSFiles(environment: [String: String]) throws {
        for (text, variable) in [(scenario.awsConfig, "AWS_CONFIG_FILE"), (scenario.awsCredentials, "AWS_SHARED_CREDENTIALS_FILE")] {
            guard let text, let path = environment[variable] else { continue }
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw Failed(failure: .init(location: "set-up", expected: ["\(variable) written"], actual: "\(error)"))
            }
        }
    }

    /// `${NAME}` replaced by the variable's value (empty when unset), as a shell would.
    static func expand(_ text: String, environment: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                result += rest[start.lowerBound...]
                return result
            }
            result += environment[String(rest[start.upperBound..<end])] ?? ""
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    /// The port from the tunnel's `Started DB proxy on 127.0.0.1:PORT` line.
    private func waitUntilListening(_ tunnel: RunningProcess) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(30)
        let pattern = try NSRegularExpression(pattern: #"Started DB proxy on [^ ]+:(\d+) "#)
        while ContinuousClock.now < deadline {
            let stdout = tunnel.outputSoFar.stdout
            if let match = pattern.firstMatch(in: stdout, range: NSRange(stdout.startIndex..., in: stdout)),
               let range = Range(match.range(at: 1), in: stdout), let port = Int(stdout[range]) {
                return port
            }
            if !tunnel.isRunning || resources.interrupted { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failed(failure: .init(
            location: "tunnel", expected: ["the tunnel listens (Started DB proxy on …)"],
            actual: tunnel.isRunning ? "no such line within 30 s" : "the tunnel exited at start (see its log below)"
        ))
    }

    private func run(
        _ step: Scenario.Step, number: Int, lab: LabRuntime, tunnel: RunningProcess?, labLog: LogBuffer, environment: [String: String]
    ) async throws {
        let location = "step \(number) (\(scenario.file):\(step.line)): \(step.summary)"
        guard !resources.interrupted else { throw Failed(failure: .init(location: location, expected: ["no interrupt"], actual: "interrupted")) }
        var environment = environment
        for (name, value) in step.environment { environment[name] = value }
        var outcome: CommandOutcome?
        switch step.action {
        case .psql(let text):
            // exec: Ctrl+C (interrupt_after) goes to psql itself, not to a shell waiting for it.
            outcome = try await command(["/bin/sh", "-c", "exec psql -X -v ON_ERROR_STOP=1 " + text], step: step, environment: environment)
        case .shell(let text):
            outcome = try await command(["/bin/sh", "-c", text], step: step, environment: environment)
        case .aws(let text):
            outcome = try await command(["/bin/sh", "-c", "exec aws " + text], step: step, environment: environment)
        case .boto3(let program):
            outcome = try await command(["python3", "-c", "import boto3, botocore, json, sys\n" + program], step: step, environment: environment)
        case .libpq(let query):
            outcome = await BuiltInClients.libpq(query, conninfo: libpqConninfo(query, environment: environment), timeout: step.timeout)
        case .libmariadb(let query, let login):
            guard let server = lab.mariadbBackends[login.backend] else {
                throw Failed(failure: .init(location: location, expected: ["mariadb backend \(login.backend) running"], actual: "not there"))
            }
            outcome = await BuiltInClients.libmariadb(query, login: login, host: server.host, port: server.port, timeout: step.timeout)
        case .cutEndpoint(let database, let how):
            try await change(location) { try await lab.cutEndpoint(database, how) }
        case .delayEndpoint(let database, let delay):
            try await change(location) { try await lab.delayEndpoint(database, by: delay) }
        case .restoreEndpoint(let database):
            try await change(location) { try await lab.restoreEndpoint(database) }
        case .detachPolicy(let detach):
            try await change(location) {
                try lab.world.detachPolicy(detach.policy, from: detach.holder, named: detach.holderName)
            }
        case .imdsMode(let name):
            lab.aws.instanceMetadata.update { $0.mode = MockInstanceMetadata.Mode(name: name) ?? .normal }
        case .advanceClock(let seconds):
            lab.world.advanceClock(by: TimeInterval(seconds))
        case .stopBackend(let name):
            _ = try await onThread { lab.stopBackend(name) }
        case .waitForTunnelExit:
            guard let tunnel else { break }
            let started = ContinuousClock.now
            let timeout = step.timeout
            let result = try await onThread { tunnel.wait(timeout: timeout) }
            let elapsed = ContinuousClock.now - started
            if let result {
                outcome = CommandOutcome(result, elapsed: elapsed)
            } else {
                let output = tunnel.outputSoFar
                outcome = CommandOutcome(status: -1, stdout: output.stdout, stderr: output.stderr, timedOut: true, elapsed: elapsed)
            }
        case .check:
            break
        }
        let unmet = await ExpectationCheck(expectation: step.expectation, outcome: outcome, tunnel: tunnel, labLog: labLog).unmet()
        if !unmet.isEmpty {
            let actual = outcome?.summary ?? "the logs (below) did not say it"
            throw Failed(failure: .init(location: location, expected: unmet, actual: actual))
        }
    }

    /// A change to the world (an endpoint fault, a policy removed): it must take.
    private func change(_ location: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            throw Failed(failure: .init(location: location, expected: ["the change takes"], actual: "\(error)"))
        }
    }

    /// The tunnel (as the psql steps see it), then the step's own keywords.
    private func libpqConninfo(_ query: Scenario.BuiltInQuery, environment: [String: String]) -> String {
        var keywords = [
            "host=127.0.0.1", "port=\(environment["PGPORT"] ?? "")", "user=\(environment["PGUSER"] ?? "postgres")",
            "dbname=postgres", "sslmode=disable", "connect_timeout=15", "application_name=dbtunnel-scenario",
        ]
        if let extra = query.conninfo { keywords.append(Self.expand(extra, environment: environment)) }
        return keywords.joined(separator: " ")
    }

    private func command(_ arguments: [String], step: Scenario.Step, environment: [String: String]) async throws -> CommandOutcome {
        let process: RunningProcess
        do {
            process = try Subprocess.spawn(arguments, environment: environment)
        } catch {
            throw Failed(failure: .init(location: "step at line \(step.line)", expected: ["the command starts"], actual: "\(error)"))
        }
        resources.add(process)
        defer { resources.remove(process) }
        let started = ContinuousClock.now
        let timeout = step.timeout
        let interrupter = step.interruptAfter.map { delay in
            Task {
                try await Task.sleep(for: delay)
                process.signal(SIGINT)
            }
        }
        defer { interrupter?.cancel() }
        let result = try await onThread { () -> (SubprocessResult, timedOut: Bool) in
            if let result = process.wait(timeout: timeout) { return (result, false) }
            return (process.terminate(), true)
        }
        var outcome = CommandOutcome(result.0, elapsed: ContinuousClock.now - started)
        outcome.timedOut = outcome.timedOut || result.timedOut
        return outcome
    }
}
