import Foundation
import Testing
@testable import AWSAuth

/// Every error the chain produces, built from configurations full of secrets: none of the
/// secrets may appear in what a user or a log would see.
@Suite("Credential chain never leaks secrets")
struct SecretRedactionTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/SECRETSECRETSECRET"
    static let token = "IQoJb3JpZ2luSESSIONTOKENSESSIONTOKEN"

    typealias Setup = @Sendable (CredentialWorld) throws -> Void

    static let brokenWorlds: [(String, Setup)] = [
        ("env secret without key", { $0.variables["AWS_SECRET_ACCESS_KEY"] = secret; $0.variables["AWS_SESSION_TOKEN"] = token }),
        ("env key without secret but token", { $0.variables["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE"; $0.variables["AWS_SESSION_TOKEN"] = token }),
        ("env bad expiration", {
            $0.variables["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE"; $0.variables["AWS_SECRET_ACCESS_KEY"] = secret
            $0.variables["AWS_CREDENTIAL_EXPIRATION"] = "later"
        }),
        ("file secret without key", { try $0.credentials("[default]\naws_secret_access_key = \(secret)\naws_session_token = \(token)\n") }),
        ("config secret without key", { try $0.config("[default]\naws_secret_access_key = \(secret)\n") }),
        ("malformed line holding a secret", { try $0.credentials("[default]\n\(secret)\n") }),
        ("process prints secret then fails", { world in
            let command = try world.processScript("echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(secret)\"}'; exit 1")
            try world.config("[default]\ncredential_process = \(command)\n")
        }),
        ("process prints broken JSON with secret", { world in
            let command = try world.processScript("echo '{\"Version\":1,\"SecretAccessKey\":\"\(secret)\",\"SessionToken\":\"\(token)\"'")
            try world.config("[default]\ncredential_process = \(command)\n")
        }),
        ("process prints version 2 with secret", { world in
            let command = try world.processScript("echo '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(secret)\"}'")
            try world.config("[default]\ncredential_process = \(command)\n")
        }),
        ("process prints expired credentials", { world in
            let command = try world.processScript("echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(secret)\",\"SessionToken\":\"\(token)\",\"Expiration\":\"2000-01-01T00:00:00Z\"}'")
            try world.config("[default]\ncredential_process = \(command)\n")
        }),
        ("nothing but a token", { $0.variables["AWS_SESSION_TOKEN"] = token }),
    ]

    @Test(arguments: brokenWorlds.indices)
    func errorTextHoldsNoSecret(_ index: Int) async throws {
        let (name, setup) = Self.brokenWorlds[index]
        let world = try CredentialWorld()
        try setup(world)
        let error = try #require(await world.error(), "\(name)")
        for text in [error.description, "\(error)", String(reflecting: error), error.message, error.attempts.joined()] {
            #expect(!text.contains(Self.secret), "\(name): secret key in \(text)")
            #expect(!text.contains(Self.token), "\(name): session token in \(text)")
        }
    }

    @Test func credentialsDescriptionIsRedacted() {
        let credentials = AWSCredentials(accessKeyID: "AKIAEXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token)
        for text in ["\(credentials)", String(reflecting: credentials), credentials.description] {
            #expect(text.contains("AKIAEXAMPLE"))
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.token))
        }
    }
}
