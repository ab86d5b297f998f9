import ArgumentParser
import Foundation
import ScenarioRunner

/// `dbtunnel scenario …`: the troubleshooting scenarios, reproduced.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Reproduce the failures people meet with IAM database auth, each in its own lab.",
        subcommands: [ScenarioRunCommand.self, ScenarioListCommand.self]
    )
}

/// Which scenario files to use (shared by `run` and `list`).
struct ScenarioSelection: ParsableArguments {
    @Argument(help: "Scenario files or directories of them (default: Scenarios).")
    var paths: [String] = []

    @Option(help: "Only scenarios whose name contains this text.")
    var filter: String?

    /// The selected scenarios; every file's problems are printed before giving up.
    func load() throws -> [Scenario] {
        let files: [String]
        do { files = try Scenario.files(in: paths.isEmpty ? ["Scenarios"] : paths) } catch { throw ValidationError("\(error)") }
        var scenarios: [Scenario] = []
        var problems: [String] = []
        for file in files {
            do { scenarios.append(try Scenario.load(path: file)) } catch { problems.append("\(error)") }
        }
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data((problems.joined(separator: "\n") + "\n").utf8))
            throw ExitCode.failure
        }
        if let filter { scenarios = scenarios.filter { $0.name.contains(filter) } }
        return scenarios
    }
}

/// `dbtunnel scenario list`: name, symptom and file of each scenario.
struct ScenarioListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the scenarios: name, file and the symptom each reproduces.")

    @OptionGroup var selection: ScenarioSelection

    @Flag(help: "Print the troubleshooting table (symptom, cause, fix, scenario file) in Markdown, as in the README.")
    var markdown = false

    func run() throws {
        let scenarios = try selection.load()
        if markdown {
            print(TroubleshootingTable.markdown(scenarios), terminator: "")
            return
        }
        for scenario in scenarios {
            print("\(scenario.name)  (\(scenario.file))\n  symptom: \(scenario.symptom)")
        }
    }
}
