import ArgumentParser

@main
struct DBTunnel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbtunnel",
        abstract: "A local tunnel and test harness for AWS databases with IAM authentication.",
        subcommands: [ProxyCommand.self, TokenCommand.self, LabCommand.self, ScenarioCommand.self]
    )
}
