import Foundation

/// What the credential providers read: environment variables and the home directory.
///
/// A value, so tests (and the scenario runner) can give each resolution its own world
/// without touching the process environment.
public struct CredentialEnvironment: Sendable {
    public var variables: [String: String]
    public var homeDirectory: String

    public init(variables: [String: String], homeDirectory: String? = nil) {
        self.variables = variables
        self.homeDirectory = homeDirectory ?? variables["HOME"] ?? NSHomeDirectory()
    }

    /// The process's own environment.
    public static var current: CredentialEnvironment {
        CredentialEnvironment(variables: ProcessInfo.processInfo.environment)
    }

    /// A variable's value; empty counts as unset, as the AWS SDKs treat it.
    public subscript(name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// `~/.aws/config` or `AWS_CONFIG_FILE`.
    public var configFilePath: String {
        expandingTilde(self["AWS_CONFIG_FILE"] ?? "~/.aws/config")
    }

    /// `~/.aws/credentials` or `AWS_SHARED_CREDENTIALS_FILE`.
    public var sharedCredentialsFilePath: String {
        expandingTilde(self["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
    }

    func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        return homeDirectory + path.dropFirst()
    }
}
