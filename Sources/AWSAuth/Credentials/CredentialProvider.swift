import Foundation

/// One source of credentials in the chain.
///
/// `resolve` returns `.found` with credentials, `.notFound` with one line saying what it looked
/// at (for the `NoCredentialProviders` report), or throws a `CredentialError` when the source is
/// configured but broken — a half-configured source stops the chain instead of being skipped,
/// so the user learns about it rather than silently getting other credentials.
public protocol CredentialProvider: Sendable {
    /// Short name in reports: `env`, `shared-credentials-file`, `custom-process`, …
    var name: String { get }
    func resolve(_ context: CredentialContext) async throws -> CredentialResolution
}

public enum CredentialResolution: Sendable, Equatable {
    case found(AWSCredentials)
    /// What the provider looked at and why it gave nothing; never a secret.
    case notFound(String)
}

/// What every provider in one resolution sees: the environment, the chosen profile and the
/// parsed config files (read once per resolution).
public struct CredentialContext: Sendable {
    public let environment: CredentialEnvironment
    public let profileName: String
    /// True when the profile came from `--profile` (botocore then skips the env provider).
    public let profileIsExplicit: Bool
    public let files: AWSConfigFiles

    public init(environment: CredentialEnvironment, profileName: String, profileIsExplicit: Bool, files: AWSConfigFiles) {
        self.environment = environment
        self.profileName = profileName
        self.profileIsExplicit = profileIsExplicit
        self.files = files
    }

    /// Reads the files and picks the profile: `--profile`, else `AWS_PROFILE`, else
    /// `AWS_DEFAULT_PROFILE`, else `default`. A profile named by the user that exists in neither
    /// file is an error, as the AWS CLI makes it (`The config profile (x) could not be found`).
    public static func make(environment: CredentialEnvironment, profile: String? = nil) throws(CredentialError) -> CredentialContext {
        let files = try AWSConfigFiles.load(environment)
        let (name, origin): (String, String?) =
            if let profile { (profile, "--profile") }
            else if let profile = environment["AWS_PROFILE"] { (profile, "AWS_PROFILE") }
            else if let profile = environment["AWS_DEFAULT_PROFILE"] { (profile, "AWS_DEFAULT_PROFILE") }
            else { ("default", nil) }
        if let origin, files.profile(name) == nil {
            throw CredentialError(
                code: .profileNotFound, source: "profile \(name) (from \(origin))",
                message: "The config profile (\(name)) could not be found in \(files.configPath) "
                    + "or \(files.credentialsPath); check the name or unset \(origin)"
            )
        }
        return CredentialContext(environment: environment, profileName: name, profileIsExplicit: profile != nil, files: files)
    }
}
