import TestSupport
import Testing
@testable import AWSAuth

/// Failures of the network providers, set up with secrets everywhere a secret can be (source
/// keys, session tokens, web identity and container tokens, half-readable replies): none may
/// appear in what a user or a log would see.
@Suite("Network providers never leak secrets")
struct NetworkSecretRedactionTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/NETWORKSECRET"
    static let token = "IQoJb3JpZ2luNETWORKSESSIONTOKEN"
    static let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.SECRETSIGNATURE"
    static let role = "arn:aws:iam::222222222222:role/db"

    typealias Setup = @Sendable (CredentialWorld) throws -> FakeAWSTransport

    static let worlds: [(String, Setup)] = [
        ("assume-role denied with a source session token", { world in
            try world.config("[profile dev]\nrole_arn = \(role)\nsource_profile = base\n[profile base]\naws_access_key_id = AKIABASEEXAMPLE\naws_secret_access_key = \(secret)\naws_session_token = \(token)\n")
            world.variables["AWS_PROFILE"] = "dev"
            return FakeAWSTransport { _ in Canned.stsError("AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized", status: 403) }
        }),
        ("assume-role reply cut short after the secret", { world in
            try world.config("[default]\nrole_arn = \(role)\nsource_profile = base\n[profile base]\naws_access_key_id = AKIABASEEXAMPLE\naws_secret_access_key = \(secret)\n")
            return FakeAWSTransport { _ in AWSHTTPResponse(status: 200, text: "<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>\(secret)</SecretAccessKey><SessionToken>\(token)") }
        }),
        ("web identity token rejected", { world in
            world.variables["AWS_WEB_IDENTITY_TOKEN_FILE"] = try world.home.write("token", jwt)
            world.variables["AWS_ROLE_ARN"] = role
            return FakeAWSTransport { _ in Canned.stsError("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider", status: 400) }
        }),
        ("web identity STS unreachable", { world in
            world.variables["AWS_WEB_IDENTITY_TOKEN_FILE"] = try world.home.write("token", jwt)
            world.variables["AWS_ROLE_ARN"] = role
            return FakeAWSTransport { request in throw AWSHTTPTransportError(kind: .connectionFailed, url: request.url, detail: "connection refused") }
        }),
        ("container endpoint echoes the authorization token", { world in
            world.variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.23/v1/credentials"
            world.variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = jwt
            return FakeAWSTransport { _ in AWSHTTPResponse(status: 401, text: "invalid token \(jwt)") }
        }),
        ("container JSON without a Token", { world in
            world.variables["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/x"
            return FakeAWSTransport { _ in AWSHTTPResponse(status: 200, text: #"{"AccessKeyId":"ASIA","SecretAccessKey":"\#(secret)","Expiration":"2099-01-01T00:00:00Z"}"#) }
        }),
        ("IMDS JSON without a Token", { _ in
            FakeAWSTransport { request in
                if request.url.hasSuffix("/api/token") { return AWSHTTPResponse(status: 200, text: token) }
                if request.url.hasSuffix("/security-credentials/") { return AWSHTTPResponse(status: 200, text: "db-role") }
                return AWSHTTPResponse(status: 200, text: #"{"Code":"Success","AccessKeyId":"ASIA","SecretAccessKey":"\#(secret)"}"#)
            }
        }),
    ]

    @Test(arguments: worlds.indices)
    func errorTextHoldsNoSecret(_ index: Int) async throws {
        let (name, setup) = Self.worlds[index]
        let world = try CredentialWorld()
        let transport = try setup(world)
        let chain = CredentialProviderChain.standard(network: .live(transport: transport, retry: .instant()))
        let error = try #require(await world.error(chain: chain), "\(name)")
        var texts = [error.description, "\(error)", String(reflecting: error), error.message, error.attempts.joined()]
        if let underlying = error.underlying { texts += ["\(underlying)", String(reflecting: underlying)] }
        for text in texts {
            for secret in [Self.secret, Self.token, Self.jwt] {
                #expect(!text.contains(secret), "\(name): secret in \(text)")
            }
        }
    }
}
