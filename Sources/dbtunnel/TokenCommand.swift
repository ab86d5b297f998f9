import ArgumentParser
import AWSAuth
import Foundation

/// `dbtunnel token`: prints what `aws rds generate-db-auth-token` prints.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an RDS IAM auth token, exactly as `aws rds generate-db-auth-token` would."
    )

    @Option(help: "The database endpoint, HOST:PORT.")
    var uri: String

    @Option(name: .customLong("db-user"), help: "The database user the token signs in as.")
    var dbUser: String

    @Option(help: "The AWS region (default: the one in the hostname).")
    var region: String?

    @Option(help: "The AWS profile (default: AWS_PROFILE, then AWS_DEFAULT_PROFILE, then default).")
    var profile: String?

    func validate() throws {
        guard !dbUser.isEmpty else { throw ValidationError("--db-user must not be empty") }
        do { _ = try DatabaseTarget.resolve(uri: uri, region: region) } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let target = try DatabaseTarget.resolve(uri: uri, region: region)
        let context = try CredentialContext.make(environment: .current, profile: profile)
        let credentials = try await CredentialProviderChain.standard(network: .live()).credentials(context)
        print(RDSAuthToken.generate(
            host: target.host, port: target.port, user: dbUser, region: target.region, credentials: credentials
        ))
    }
}
