import AWSMocks
import Foundation
import Lab
import Yams

/// The scenario file's grammar, key by key (the lab part is the lab file's own grammar).
struct ScenarioParser {
    let root: YAMLReader

    static let actionKeys: Set<String> = [
        "psql", "shell", "aws", "boto3", "libpq", "libmariadb", "imds_mode", "advance_clock", "stop_backend", "wait_for_tunnel_exit",
        "cut_endpoint", "delay_endpoint", "restore_endpoint", "detach_policy",
    ]
    static let imdsModes = ["normal", "hop-limit-1", "v1-disabled", "no-role", "slow"]

    func parse() throws(LabFileError) -> Scenario {
        let entries = try root.mapping(allowed: ["name", "symptom", "cause", "fix", "lab", "aws_config", "aws_credentials", "tunnel", "steps"])
        let lab = try parseLab(root.required("lab", in: entries))
        var tunnel: Scenario.Tunnel?
        if let node = root.optional("tunnel", in: entries) { tunnel = try parseTunnel(node, lab: lab) }
        var steps: [Scenario.Step] = []
        for node in try root.required("steps", in: entries).sequence() {
            steps.append(try parseStep(node, lab: lab, tunnel: tunnel))
        }
        return Scenario(
            name: try root.required("name", in: entries).string(),
            symptom: try root.required("symptom", in: entries).string(),
            cause: try root.required("cause", in: entries).string(),
            fix: try root.required("fix", in: entries).string(),
            file: root.file, lab: lab,
            awsConfig: try root.optional("aws_config", in: entries)?.string(),
            awsCredentials: try root.optional("aws_credentials", in: entries)?.string(),
            tunnel: tunnel, steps: steps
        )
    }

    /// `{file: PATH, overrides: {dotted.key: value}}` (the path relative to the scenario file),
    /// or a whole lab inline.
    private func parseLab(_ node: YAMLReader) throws(LabFileError) -> LabFile {
        let keys = try node.mapping().map(\.key)
        guard keys.contains("file") else { return try LabFile.parse(node) }
        let fields = try node.mapping(allowed: ["file", "overrides"])
        let fileNode = try node.required("file", in: fields)
        var path = try fileNode.string()
        if !path.hasPrefix("/") {
            path = ((root.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
        }
        guard FileManager.default.fileExists(atPath: path) else { throw fileNode.fail("no lab file at \(path)") }
        var overrides: [LabFileOverride] = []
        if let overridesNode = node.optional("overrides", in: fields) {
            for (key, value) in try overridesNode.mapping() {
                overrides.append(LabFileOverride(keyPath: key.split(separator: ".").map(String.init), value: value))
            }
        }
        return try LabFile.load(path: path, overrides: overrides)
    }

    private func parseTunnel(_ node: YAMLReader, lab: LabFile) throws(LabFileError) -> Scenario.Tunnel {
        let fields = try node.mapping(allowed: ["database", "db_user", "flags", "env", "starts"])
        let database = try databaseName(node.required("database", in: fields), lab: lab)
        var tunnel = Scenario.Tunnel(database: database)
        tunnel.dbUser = try node.optional("db_user", in: fields)?.string()
        tunnel.flags = try node.optional("flags", in: fields)?.strings() ?? []
        if let env = node.optional("env", in: fields) {
            for (name, value) in try env.mapping() {
                tunnel.environment[name] = Self.isNull(value) ? .some(nil) : .some(try value.string())
            }
        }
        tunnel.starts = try node.optional("starts", in: fields)?.bool() ?? true
        return tunnel
    }

    private static func isNull(_ reader: YAMLReader) -> Bool {
        guard case .scalar(let scalar) = reader.node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func parseStep(_ node: YAMLReader, lab: LabFile, tunnel: Scenario.Tunnel?) throws(LabFileError) -> Scenario.Step {
        let fields = try node.mapping(allowed: Self.actionKeys.union(["expect", "expect_tunnel_log_contains", "timeout", "interrupt_after", "env"]))
        let actions = fields.filter { Self.actionKeys.contains($0.key) }
        guard actions.count <= 1 else {
            throw node.fail("a step does one thing; this one has \(actions.map(\.key).joined(separator: " and "))")
        }
        var expectation = Scenario.Expectation()
        if let expect = node.optional("expect", in: fields) { expectation = try parseExpectation(expect) }
        if let logNode = node.optional("expect_tunnel_log_contains", in: fields) {
            expectation.tunnelLogContains += try texts(logNode)
        }
        let action: Scenario.Action
        var summary: String
        if let first = actions.first {
            let parsed = try parseAction(first.key, first.value, lab: lab)
            action = parsed.action
            summary = parsed.summary
        } else {
            guard node.optional("expect_tunnel_log_contains", in: fields) != nil || node.optional("expect", in: fields) != nil else {
                throw node.fail("a step needs one of: \(Self.actionKeys.sorted().joined(separator: ", ")), or expect_tunnel_log_contains")
            }
            action = .check
            summary = "check"
        }
        if !expectation.tunnelLogContains.isEmpty { summary += " (tunnel log)" }
        // A command without expectations is set-up: it must succeed.
        let isCommand = switch action {
        case .psql, .shell, .aws, .boto3, .libpq, .libmariadb: true
        default: false
        }
        if isCommand, node.optional("expect", in: fields) == nil { expectation.exit = .zero }
        var interruptAfter: Duration?
        if let interrupt = node.optional("interrupt_after", in: fields) {
            switch action {
            case .psql, .shell, .aws, .boto3: interruptAfter = try Self.duration(interrupt)
            default: throw interrupt.fail("interrupt_after sends Ctrl+C to a program: it goes with psql, shell, aws or boto3 (libpq and libmariadb have cancel_after)")
            }
        }
        if expectation.sqlState != nil {
            switch action {
            case .libpq, .libmariadb: break
            default: throw node.fail("sqlstate is what a built-in client reports: it goes with libpq and libmariadb steps")
            }
        }
        switch action {
        case .psql where tunnel == nil || tunnel?.starts == false, .libpq where tunnel == nil || tunnel?.starts == false:
            throw node.fail("psql and libpq steps go through the tunnel; add a tunnel section that starts")
        case .waitForTunnelExit where tunnel == nil:
            throw node.fail("wait_for_tunnel_exit needs a tunnel section")
        default:
            if tunnel == nil, !expectation.tunnelLogContains.isEmpty { throw node.fail("tunnel log expectations need a tunnel section") }
        }
        var environment: [String: String] = [:]
        if let env = node.optional("env", in: fields) {
            for (name, value) in try env.mapping() { environment[name] = try value.string() }
        }
        return Scenario.Step(
            action: action, expectation: expectation,
            timeout: try node.optional("timeout", in: fields).map { (node) throws(LabFileError) in try Self.duration(node) } ?? .seconds(30),
            interruptAfter: interruptAfter, environment: environment, line: node.node.mark?.line ?? 0, summary: summary
        )
    }

    private func parseAction(_ key: String, _ value: YAMLReader, lab: LabFile) throws(LabFileError) -> (action: Scenario.Action, summary: String) {
        switch key {
        case "psql":
            let text = try value.string()
            return (.psql(text), "psql \(text)")
        case "shell":
            let text = try value.string()
            return (.shell(text), text)
        case "aws":
            let text = try value.string()
            return (.aws(text), "aws \(text)")
        case "boto3":
            let text = try value.string()
            return (.boto3(text), "boto3: " + (text.split(separator: "\n").first.map(String.init) ?? ""))
        case "libpq":
            let fields = try value.mapping(allowed: ["query", "cancel_after", "conninfo"])
            let query = try value.required("query", in: fields).string()
            let step = Scenario.BuiltInQuery(
                query: query,
                cancelAfter: try value.optional("cancel_after", in: fields).map { (node) throws(LabFileError) in try Self.duration(node) },
                conninfo: try value.optional("conninfo", in: fields)?.string()
            )
            return (.libpq(step), "libpq: \(query)" + (step.cancelAfter.map { " (cancel after \($0.seconds) s)" } ?? ""))
        case "libmariadb":
            let fields = try value.mapping(allowed: ["query", "cancel_after", "backend", "user", "password", "database"])
            let query = try value.required("query", in: fields).string()
            let backendNode = try value.required("backend", in: fields)
            let backend = try backendNode.string()
            guard lab.backends.contains(where: { $0.name == backend && $0.engine == .mariadb }) else {
                let names = lab.backends.filter { $0.engine == .mariadb }.map(\.name)
                throw backendNode.fail("the lab has no mariadb backend '\(backend)'; it has: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
            let step = Scenario.BuiltInQuery(
                query: query,
                cancelAfter: try value.optional("cancel_after", in: fields).map { (node) throws(LabFileError) in try Self.duration(node) }
            )
            let login = Scenario.MariaDBLogin(
                backend: backend, user: try value.optional("user", in: fields)?.string() ?? "root",
                password: try value.optional("password", in: fields)?.string(), database: try value.optional("database", in: fields)?.string()
            )
            return (.libmariadb(step, login), "libmariadb: \(query)" + (step.cancelAfter.map { " (cancel after \($0.seconds) s)" } ?? ""))
        case "cut_endpoint":
            let fields = try value.mapping(allowed: ["database", "how"])
            let database = try databaseName(value.required("database", in: fields), lab: lab)
            let howNode = try value.required("how", in: fields)
            let text = try howNode.string()
            guard let how = EndpointCut(rawValue: text) else {
                throw howNode.fail("how is drop (packets vanish: clients time out) or refuse (connection refused), got '\(text)'")
            }
            return (.cutEndpoint(database: database, how: how), "cut_endpoint: \(database) (\(text))")
        case "delay_endpoint":
            let fields = try value.mapping(allowed: ["database", "by"])
            let database = try databaseName(value.required("database", in: fields), lab: lab)
            let delay = try Self.duration(value.required("by", in: fields))
            return (.delayEndpoint(database: database, by: delay), "delay_endpoint: \(database) by \(delay.seconds) s")
        case "restore_endpoint":
            let database = try databaseName(value, lab: lab)
            return (.restoreEndpoint(database: database), "restore_endpoint: \(database)")
        case "detach_policy":
            return try parseDetachPolicy(value, lab: lab)
        case "imds_mode":
            let mode = try value.string()
            guard Self.imdsModes.contains(mode) else { throw value.fail("expected one of \(Self.imdsModes.joined(separator: ", ")), got '\(mode)'") }
            return (.imdsMode(mode), "imds_mode: \(mode)")
        case "advance_clock":
            let seconds = try value.int(in: 1...(366 * 86_400))
            return (.advanceClock(seconds: seconds), "advance_clock: \(seconds)")
        case "stop_backend":
            let name = try value.string()
            guard lab.backends.contains(where: { $0.name == name }) else {
                throw value.fail("the lab has no backend '\(name)'; it has: \(lab.backends.map(\.name).joined(separator: ", "))")
            }
            return (.stopBackend(name), "stop_backend: \(name)")
        default:  // wait_for_tunnel_exit: true
            guard try value.bool() else { throw value.fail("wait_for_tunnel_exit takes true (or leave the step out)") }
            return (.waitForTunnelExit, "wait_for_tunnel_exit")
        }
    }

    /// A database of the lab with a mock endpoint (one with a backend; the others are in the RDS API only).
    private func databaseName(_ node: YAMLReader, lab: LabFile) throws(LabFileError) -> String {
        let name = try node.string()
        let reachable = lab.databases.filter { $0.backend != nil }.map(\.identifier)
        guard reachable.contains(name) else {
            let what = lab.databases.contains { $0.identifier == name } ? "'\(name)' is in the RDS API only (no backend)" : "the lab has no database '\(name)'"
            throw node.fail("\(what); the databases with an endpoint: \(reachable.joined(separator: ", "))")
        }
        return name
    }

    /// `{user: alice, policy: connect-mydb}` (or `role:` / `group:`).
    private func parseDetachPolicy(_ node: YAMLReader, lab: LabFile) throws(LabFileError) -> (action: Scenario.Action, summary: String) {
        let holders = IAMIdentityKind.allCases.map(\.rawValue)
        let fields = try node.mapping(allowed: Set(holders + ["policy"]))
        let named = fields.filter { holders.contains($0.key) }
        guard named.count == 1, let holderEntry = named.first, let holder = IAMIdentityKind(rawValue: holderEntry.key) else {
            throw node.fail("detach_policy names one of user, role or group, and the policy")
        }
        let holderName = try holderEntry.value.string()
        let known: [String] = switch holder {
        case .user: lab.accounts.flatMap { $0.users.map(\.name) }
        case .role: lab.accounts.flatMap { $0.roles.map(\.name) }
        case .group: lab.accounts.flatMap { $0.groups.map(\.name) }
        }
        guard known.contains(holderName) else {
            throw holderEntry.value.fail("the lab has no \(holder.rawValue) '\(holderName)'; it has: \(known.joined(separator: ", "))")
        }
        let policy = try node.required("policy", in: fields).string()
        return (
            .detachPolicy(.init(holder: holder, holderName: holderName, policy: policy)),
            "detach_policy: \(policy) from \(holder.rawValue) \(holderName)"
        )
    }

    private func parseExpectation(_ node: YAMLReader) throws(LabFileError) -> Scenario.Expectation {
        let fields = try node.mapping(allowed: [
            "exit", "stdout_contains", "stderr_contains", "output_contains", "output_lacks", "output_matches", "elapsed_under",
            "elapsed_over", "sqlstate", "tunnel_log_contains", "lab_log_contains",
        ])
        var expectation = Scenario.Expectation()
        if let exit = node.optional("exit", in: fields) {
            let text = try exit.string()
            switch text {
            case "0": expectation.exit = .zero
            case "nonzero": expectation.exit = .nonzero
            default:
                guard let code = Int32(text), (1...255).contains(code) else { throw exit.fail("expected 0, nonzero or an exit code from 1 to 255, got '\(text)'") }
                expectation.exit = .code(code)
            }
        }
        expectation.stdoutContains = try node.optional("stdout_contains", in: fields).map(texts) ?? []
        expectation.stderrContains = try node.optional("stderr_contains", in: fields).map(texts) ?? []
        expectation.outputContains = try node.optional("output_contains", in: fields).map(texts) ?? []
        expectation.outputLacks = try node.optional("output_lacks", in: fields).map(texts) ?? []
        expectation.tunnelLogContains = try node.optional("tunnel_log_contains", in: fields).map(texts) ?? []
        expectation.labLogContains = try node.optional("lab_log_contains", in: fields).map(texts) ?? []
        if let sqlState = node.optional("sqlstate", in: fields) {
            let text = try sqlState.string()
            guard text.count == 5, text.allSatisfy({ $0.isNumber || ($0.isUppercase && $0.isASCII) }) else {
                throw sqlState.fail("a SQLSTATE is five digits or capital letters, e.g. 57014, got '\(text)'")
            }
            expectation.sqlState = text
        }
        if let matches = node.optional("output_matches", in: fields) {
            let pattern = try matches.string()
            do { _ = try NSRegularExpression(pattern: pattern) } catch { throw matches.fail("not a regular expression: \(pattern)") }
            expectation.outputMatches = pattern
        }
        if let elapsed = node.optional("elapsed_under", in: fields) { expectation.elapsedUnder = try Self.duration(elapsed) }
        if let elapsed = node.optional("elapsed_over", in: fields) { expectation.elapsedOver = try Self.duration(elapsed) }
        return expectation
    }

    /// One text or a list of texts.
    private func texts(_ node: YAMLReader) throws(LabFileError) -> [String] {
        if case .sequence = node.node { return try node.strings() }
        return [try node.string()]
    }

    /// `5s`, `500ms`, `2m`, or a number of seconds.
    static func duration(_ node: YAMLReader) throws(LabFileError) -> Duration {
        let text = try node.string().trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0 { return .milliseconds(Int64(value * scale * 1000)) }
        }
        if let value = Double(text), value > 0 { return .milliseconds(Int64(value * 1000)) }
        throw node.fail("expected a duration such as 5s, 500ms or 2m, got '\(text)'")
    }
}
