import Foundation

/// `credential_process` in the profile: runs the command and reads the JSON it prints
/// (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html):
/// `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`.
///
/// Errors never quote the command's standard output: it holds the secret key.
public struct ProcessCredentialProvider: CredentialProvider {
    public let name = "custom-process"
    let timeout: Duration

    public init(timeout: Duration = .seconds(60)) {
        self.timeout = timeout
    }

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        let profile = context.profileName
        guard let command = context.files.profile(profile)?["credential_process"], !command.isEmpty else {
            return .notFound("\(name): profile \(profile) has no credential_process")
        }
        let source = "credential_process of profile \(profile)"
        func failure(_ message: String) -> CredentialError {
            CredentialError(code: .credentialProcessFailed, source: source, message: message)
        }
        let words: [String]
        do { words = try ShellWords.split(command) } catch {
            throw failure("the command has an unterminated quote")
        }
        guard let program = words.first else { throw failure("the command is empty") }
        let output = try await ChildProcess.run(words, environment: context.environment.variables, timeout: timeout)
        if output.timedOut {
            throw failure("\(program) did not finish within \(timeout) and was stopped")
        }
        guard output.status == 0 else {
            let stderr = String(decoding: output.stderr.prefix(400), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw failure("\(program) exited with status \(output.status)" + (stderr.isEmpty ? "" : ": \(stderr)"))
        }
        return .found(try Self.parse(Data(output.stdout), failure: failure))
    }

    static func parse(_ stdout: Data, failure: (String) -> CredentialError) throws(CredentialError) -> AWSCredentials {
        guard let object = (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any] else {
            throw failure("the command printed \(stdout.count) bytes that are not a JSON object (expected {\"Version\": 1, \"AccessKeyId\": …})")
        }
        guard let version = object["Version"] as? Int, version == 1 else {
            let shown = object["Version"].map { "\($0)" } ?? "none"
            throw failure("Unsupported version '\(shown.prefix(20))' for credential process provider, supported versions: 1")
        }
        func string(_ key: String) -> String? {
            (object[key] as? String).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let keyID = string("AccessKeyId") else { throw failure("the JSON has no AccessKeyId") }
        guard let secret = string("SecretAccessKey") else { throw failure("the JSON has no SecretAccessKey") }
        var expiration: Date?
        if let text = string("Expiration") {
            guard let date = ISO8601Timestamp.parse(text) else {
                throw failure("Expiration is not an ISO 8601 time (expected e.g. 2026-01-01T00:00:00Z)")
            }
            guard date > Date() else {
                throw failure("the credentials it returned expired at \(text); the process must return fresh credentials")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: string("SessionToken"), expiration: expiration)
    }
}
