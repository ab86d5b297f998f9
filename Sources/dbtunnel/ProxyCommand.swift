import ArgumentParser

/// `dbtunnel proxy …` (as `tsh proxy`): only `db` for now.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run a local proxy.",
        subcommands: [ProxyDBCommand.self]
    )
}
