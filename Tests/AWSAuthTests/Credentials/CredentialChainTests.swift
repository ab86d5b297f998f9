import Foundation
import TestSupport
import Testing
@testable import AWSAuth

@Suite("Credential chain: providers and precedence")
struct CredentialChainTests {
    // MARK: Environment

    @Test func environmentKeysWithSessionToken() async throws {
        let world = try CredentialWorld([
            "AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
        ])
        let credentials = try await world.resolve()
        #expect(credentials == AWSCredentials(accessKeyID: "AKIAENVEXAMPLE", secretAccessKey: "env-secret", sessionToken: "env-token"))
    }

    @Test func environmentFallsBackToLegacySecurityToken() async throws {
        let world = try CredentialWorld([
            "AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SECURITY_TOKEN": "legacy",
        ])
        #expect(try await world.resolve().sessionToken == "legacy")
    }

    @Test func environmentReadsCredentialExpiration() async throws {
        let world = try CredentialWorld([
            "AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CREDENTIAL_EXPIRATION": "2099-01-02T03:04:05Z",
        ])
        #expect(try await world.resolve().expiration == ISO8601DateFormatter().date(from: "2099-01-02T03:04:05Z"))
    }

    @Test func environmentKeyWithoutSecretIsAnErrorNamingTheVariable() async throws {
        let world = try CredentialWorld(["AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE"])
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\naws_secret_access_key = file-secret\n")
        let error = try #require(await world.error())
        #expect(error.code == .partialCredentials)
        #expect(error.description.contains("Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"))
    }

    @Test func environmentSecretWithoutKeyIsAnError() async throws {
        let world = try CredentialWorld(["AWS_SECRET_ACCESS_KEY": "orphan-secret"])
        let error = try #require(await world.error())
        #expect(error.code == .partialCredentials)
        #expect(error.description.contains("missing: AWS_ACCESS_KEY_ID"))
    }

    @Test func emptyEnvironmentVariablesCountAsUnset() async throws {
        let world = try CredentialWorld(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""])
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\naws_secret_access_key = file-secret\n")
        #expect(try await world.resolve().accessKeyID == "AKIAFILEEXAMPLE")
    }

    // MARK: Shared credentials file and config file

    @Test func sharedCredentialsFileDefaultProfile() async throws {
        let world = try CredentialWorld()
        try world.credentials("""
            # a comment
            [default]
            aws_access_key_id = AKIAFILEEXAMPLE
            aws_secret_access_key = file-secret
            aws_session_token = file-token
            """)
        #expect(try await world.resolve() == AWSCredentials(accessKeyID: "AKIAFILEEXAMPLE", secretAccessKey: "file-secret", sessionToken: "file-token"))
    }

    @Test func sharedCredentialsFileFromVariableAndProfileFromAWSProfile() async throws {
        let world = try CredentialWorld()
        let path = try world.home.write("elsewhere/creds", "[dev]\naws_access_key_id=AKIADEVEXAMPLE\naws_secret_access_key=dev-secret\n")
        world.variables["AWS_SHARED_CREDENTIALS_FILE"] = path
        world.variables["AWS_PROFILE"] = "dev"
        #expect(try await world.resolve().accessKeyID == "AKIADEVEXAMPLE")
    }

    @Test func awsProfileWinsOverAWSDefaultProfile() async throws {
        let world = try CredentialWorld(["AWS_PROFILE": "one", "AWS_DEFAULT_PROFILE": "two"])
        try world.credentials("""
            [one]
            aws_access_key_id = AKIAONEEXAMPLE
            aws_secret_access_key = s1
            [two]
            aws_access_key_id = AKIATWOEXAMPLE
            aws_secret_access_key = s2
            """)
        #expect(try await world.resolve().accessKeyID == "AKIAONEEXAMPLE")
        world.variables["AWS_PROFILE"] = nil
        #expect(try await world.resolve().accessKeyID == "AKIATWOEXAMPLE")
    }

    @Test func configFileProfileSectionsAndDefault() async throws {
        let world = try CredentialWorld()
        let path = try world.home.write("cfg", """
            [default]
            region = us-east-1
            aws_access_key_id = AKIADEFAULTEXAMPLE
            aws_secret_access_key = default-secret
            [profile dev]
            aws_access_key_id: AKIADEVEXAMPLE
            aws_secret_access_key: dev-secret
            s3 =
              max_concurrent_requests = 20
            """)
        world.variables["AWS_CONFIG_FILE"] = path
        #expect(try await world.resolve().accessKeyID == "AKIADEFAULTEXAMPLE")
        #expect(try await world.resolve(profile: "dev").accessKeyID == "AKIADEVEXAMPLE")
    }

    @Test func sharedCredentialsFileKeyWithoutSecretIsAnErrorNamingTheFile() async throws {
        let world = try CredentialWorld()
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\n")
        let error = try #require(await world.error())
        #expect(error.code == .partialCredentials)
        #expect(error.description.contains(world.home.path + "/.aws/credentials"))
        #expect(error.description.contains("missing: aws_secret_access_key"))
    }

    @Test func profileNamedByUserThatExistsNowhereIsAnError() async throws {
        let world = try CredentialWorld(["AWS_PROFILE": "typo"])
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\naws_secret_access_key = s\n")
        var error = try #require(await world.error())
        #expect(error.code == .profileNotFound)
        #expect(error.description.contains("The config profile (typo) could not be found"))
        #expect(error.description.contains("AWS_PROFILE"))
        error = try #require(await world.error(profile: "other"))
        #expect(error.description.contains("The config profile (other) could not be found"))
        #expect(error.description.contains("--profile"))
    }

    @Test func unreadableCredentialsFileIsAnErrorNotASkip() async throws {
        let world = try CredentialWorld(["AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"])
        // A directory where the file should be: unreadable even for root.
        try FileManager.default.createDirectory(atPath: world.home.path + "/.aws/credentials", withIntermediateDirectories: true)
        let error = try #require(await world.error())
        #expect(error.code == .unreadableFile)
        #expect(error.description.contains(world.home.path + "/.aws/credentials"))
    }

    @Test func malformedConfigFileNamesFileAndLine() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\nregion = us-east-1\nthis line has no equals sign\n")
        let error = try #require(await world.error())
        #expect(error.code == .malformedConfigFile)
        #expect(error.description.contains(world.home.path + "/.aws/config"))
        #expect(error.description.contains("line 3"))
    }

    // MARK: Precedence (botocore order)

    @Test func environmentBeatsEverythingElse() async throws {
        let world = try CredentialWorld(["AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"])
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\naws_secret_access_key = s\n")
        #expect(try await world.resolve().accessKeyID == "AKIAENVEXAMPLE")
    }

    @Test func explicitProfileSkipsEnvironmentAsBotocoreDoes() async throws {
        let world = try CredentialWorld(["AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"])
        try world.credentials("[dev]\naws_access_key_id = AKIADEVEXAMPLE\naws_secret_access_key = s\n")
        #expect(try await world.resolve(profile: "dev").accessKeyID == "AKIADEVEXAMPLE")
        // AWS_PROFILE is not "explicit": environment keys still win.
        world.variables["AWS_PROFILE"] = "dev"
        #expect(try await world.resolve().accessKeyID == "AKIAENVEXAMPLE")
    }

    @Test func sharedCredentialsFileBeatsCredentialProcessWhichBeatsConfigKeys() async throws {
        let world = try CredentialWorld()
        let command = try world.processScript(#"echo '{"Version":1,"AccessKeyId":"AKIAPROCEXAMPLE","SecretAccessKey":"p"}'"#)
        try world.config("[default]\ncredential_process = \(command)\naws_access_key_id = AKIACONFIGEXAMPLE\naws_secret_access_key = c\n")
        #expect(try await world.resolve().accessKeyID == "AKIAPROCEXAMPLE")
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\naws_secret_access_key = f\n")
        #expect(try await world.resolve().accessKeyID == "AKIAFILEEXAMPLE")
    }

    @Test func configFileKeysAreUsedWhenNothingEarlierAnswers() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\naws_access_key_id = AKIACONFIGEXAMPLE\naws_secret_access_key = c\n")
        #expect(try await world.resolve().accessKeyID == "AKIACONFIGEXAMPLE")
    }

    @Test func staticProviderAnswersWithItsCredentials() async throws {
        let world = try CredentialWorld()
        let fixed = AWSCredentials(accessKeyID: "AKIASTATICEXAMPLE", secretAccessKey: "s")
        #expect(try await world.resolve(chain: CredentialProviderChain([StaticCredentialProvider(fixed)])) == fixed)
    }

    // MARK: Nothing anywhere

    @Test func noCredentialsListsEveryProviderInOrder() async throws {
        let world = try CredentialWorld()
        let error = try #require(await world.error())
        #expect(error.code == .noCredentialProviders)
        let lines = error.description.split(separator: "\n").map(String.init)
        #expect(lines.first == "NoCredentialProviders: no valid providers in chain")
        let names = lines.dropFirst().map { $0.dropFirst(4).prefix { $0 != ":" } }
        #expect(names == [
            "env", "assume-role", "assume-role-with-web-identity", "shared-credentials-file",
            "custom-process", "config-file", "container-role", "iam-role",
        ])
        #expect(error.description.contains("\(world.home.path)/.aws/credentials does not exist"))
    }

    @Test func configuredNetworkSourceFailsLoudlyInsteadOfFallingThrough() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\nrole_arn = arn:aws:iam::123456789012:role/db\nsource_profile = base\n[profile base]\naws_access_key_id = AKIABASEEXAMPLE\naws_secret_access_key = b\n")
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\naws_secret_access_key = f\n")
        let error = try #require(await world.error())
        #expect(error.code == .unsupportedProvider)
        #expect(error.description.contains("role_arn"))
    }

    @Test func pluggedNetworkSlotIsUsedInItsPlace() async throws {
        let world = try CredentialWorld()
        try world.credentials("[default]\naws_access_key_id = AKIAFILEEXAMPLE\naws_secret_access_key = f\n")
        let chain = CredentialProviderChain.standard(network: NetworkCredentialProviders(
            assumeRole: StaticCredentialProvider(AWSCredentials(accessKeyID: "ASIAROLEEXAMPLE", secretAccessKey: "r"))
        ))
        #expect(try await world.resolve(chain: chain).accessKeyID == "ASIAROLEEXAMPLE")
    }
}
