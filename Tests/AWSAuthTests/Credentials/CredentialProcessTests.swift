import Foundation
import Testing
@testable import AWSAuth

@Suite("Credential chain: credential_process")
struct CredentialProcessTests {
    @Test func readsVersionOneJSONWithExpiration() async throws {
        let world = try CredentialWorld()
        let command = try world.processScript("""
            echo '{"Version": 1, "AccessKeyId": "ASIAPROCEXAMPLE", "SecretAccessKey": "proc-secret",
                   "SessionToken": "proc-token", "Expiration": "2099-12-31T23:59:59Z"}'
            """)
        try world.config("[profile tool]\ncredential_process = \(command)\n")
        let credentials = try await world.resolve(profile: "tool")
        #expect(credentials.accessKeyID == "ASIAPROCEXAMPLE")
        #expect(credentials.sessionToken == "proc-token")
        #expect(credentials.expiration == ISO8601DateFormatter().date(from: "2099-12-31T23:59:59Z"))
    }

    @Test func passesQuotedArgumentsWithoutAShell() async throws {
        let world = try CredentialWorld()
        let command = try world.processScript(#"printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"s"}' "$1""#)
        try world.config("[default]\ncredential_process = \(command) \"AKIA QUOTED\"\n")
        #expect(try await world.resolve().accessKeyID == "AKIA QUOTED")
    }

    @Test func nonZeroExitIsAnErrorWithItsStandardError() async throws {
        let world = try CredentialWorld()
        let command = try world.processScript("echo 'SSO session expired, run login' >&2; exit 3")
        try world.config("[default]\ncredential_process = \(command)\n")
        let error = try #require(await world.error())
        #expect(error.code == .credentialProcessFailed)
        #expect(error.description.contains("credential_process of profile default"))
        #expect(error.description.contains("exited with status 3: SSO session expired, run login"))
    }

    @Test func missingProgramIsAnError() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\ncredential_process = /nonexistent/credential-helper --flag\n")
        let error = try #require(await world.error())
        #expect(error.code == .credentialProcessFailed)
        #expect(error.description.contains("/nonexistent/credential-helper"))
    }

    @Test(arguments: [
        ("not json at all", "not a JSON object"),
        (#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}"#, "Unsupported version '2' for credential process provider, supported versions: 1"),
        (#"{"AccessKeyId": "A", "SecretAccessKey": "S"}"#, "Unsupported version 'none'"),
        (#"{"Version": 1, "SecretAccessKey": "S"}"#, "no AccessKeyId"),
        (#"{"Version": 1, "AccessKeyId": "A"}"#, "no SecretAccessKey"),
        (#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "tomorrow"}"#, "Expiration is not an ISO 8601 time"),
        (#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "2001-01-01T00:00:00Z"}"#, "expired at 2001-01-01T00:00:00Z"),
    ])
    func badOutputIsAClearError(output: String, expected: String) async throws {
        let world = try CredentialWorld()
        let command = try world.processScript("cat <<'JSON'\n\(output)\nJSON")
        try world.config("[default]\ncredential_process = \(command)\n")
        let error = try #require(await world.error())
        #expect(error.code == .credentialProcessFailed)
        #expect(error.description.contains(expected))
    }

    @Test func hangingProcessIsStoppedAtTheTimeout() async throws {
        let world = try CredentialWorld()
        let command = try world.processScript("sleep 30")
        try world.config("[default]\ncredential_process = \(command)\n")
        let chain = CredentialProviderChain([ProcessCredentialProvider(timeout: .milliseconds(300))])
        let started = ContinuousClock.now
        let error = try #require(await world.error(chain: chain))
        #expect(error.description.contains("did not finish within"))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func unterminatedQuoteIsAnError() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\ncredential_process = helper 'oops\n")
        let error = try #require(await world.error())
        #expect(error.description.contains("unterminated quote"))
    }
}
