import ArgumentParser

/// `dbtunnel lab …`: the mock side of the harness.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Run mock AWS database endpoints in front of real database servers.",
        subcommands: [LabUpCommand.self, LabEnvCommand.self, LabDownCommand.self, LabAWSCommand.self]
    )
}
