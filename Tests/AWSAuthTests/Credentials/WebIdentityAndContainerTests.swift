import Foundation
import TestSupport
import Testing
@testable import AWSAuth

@Suite("assume-role-with-web-identity and container-role")
struct WebIdentityAndContainerTests {
    static let role = "arn:aws:iam::222222222222:role/ci"

    static func chain(_ transport: FakeAWSTransport) -> CredentialProviderChain {
        .standard(network: .live(transport: transport, retry: .instant()))
    }

    // MARK: Web identity

    @Test func webIdentityFromEnvironmentSendsTheFileTokenUnsigned() async throws {
        let world = try CredentialWorld()
        let tokenFile = try world.home.write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln\n")
        world.variables["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        world.variables["AWS_ROLE_ARN"] = Self.role
        world.variables["AWS_ROLE_SESSION_NAME"] = "github-run-42"
        world.variables["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:4566"
        let transport = FakeAWSTransport { _ in Canned.assumeRole(action: "AssumeRoleWithWebIdentity") }
        let credentials = try await world.resolve(chain: Self.chain(transport))
        #expect(credentials.accessKeyID == "ASIAASSUMEDEXAMPLE")
        #expect(credentials.expiration != nil)
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://127.0.0.1:4566/")
        #expect(request.header("Authorization") == nil)
        #expect(request.form["Action"] == "AssumeRoleWithWebIdentity")
        #expect(request.form["WebIdentityToken"] == "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln")
        #expect(request.form["RoleArn"] == Self.role)
        #expect(request.form["RoleSessionName"] == "github-run-42")
    }

    @Test func webIdentityFromProfile() async throws {
        let world = try CredentialWorld()
        let tokenFile = try world.home.write("token", "profile.jwt.token")
        try world.config("[default]\nweb_identity_token_file = \(tokenFile)\nrole_arn = \(Self.role)\n")
        let transport = FakeAWSTransport { _ in Canned.assumeRole(action: "AssumeRoleWithWebIdentity") }
        _ = try await world.resolve(chain: Self.chain(transport))
        #expect(transport.requests.first?.form["WebIdentityToken"] == "profile.jwt.token")
        #expect(transport.requests.first?.form["RoleSessionName"]?.hasPrefix("botocore-session-") == true)
    }

    @Test func unreadableTokenFileIsAnErrorNamingIt() async throws {
        let world = try CredentialWorld(["AWS_ROLE_ARN": Self.role])
        let missing = world.home.path + "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
        world.variables["AWS_WEB_IDENTITY_TOKEN_FILE"] = missing
        let transport = FakeAWSTransport { _ in Canned.assumeRole(action: "AssumeRoleWithWebIdentity") }
        let error = try #require(await world.error(chain: Self.chain(transport)))
        #expect(error.code == .unreadableFile)
        #expect(error.description.contains(missing))
        #expect(error.description.contains("AWS_WEB_IDENTITY_TOKEN_FILE"))
        #expect(transport.requests.isEmpty)
    }

    @Test func tokenFileWithoutRoleARNIsAnError() async throws {
        let world = try CredentialWorld()
        world.variables["AWS_WEB_IDENTITY_TOKEN_FILE"] = try world.home.write("token", "t")
        let error = try #require(await world.error(chain: Self.chain(FakeAWSTransport { _ in Canned.assumeRole() })))
        #expect(error.code == .invalidProfile)
        #expect(error.description.contains("AWS_ROLE_ARN"))
    }

    // MARK: Container

    @Test func containerRelativeURIGoesTo169_254_170_2() async throws {
        let world = try CredentialWorld(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/6d1f3b2e-task"])
        let transport = FakeAWSTransport { _ in Canned.metadataCredentials() }
        let credentials = try await world.resolve(chain: Self.chain(transport))
        #expect(credentials == AWSCredentials(
            accessKeyID: "ASIAMETADATAEXAMPLE", secretAccessKey: "metadata-secret", sessionToken: "metadata-token",
            expiration: ISO8601DateFormatter().date(from: Canned.expiration)
        ))
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(request.url == "http://169.254.170.2/v2/credentials/6d1f3b2e-task")
        #expect(request.header("Authorization") == nil)
        #expect(transport.timeouts == [.seconds(2)])
    }

    @Test func containerFullURIWithAuthorizationTokenFile() async throws {
        let world = try CredentialWorld(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"])
        world.variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = try world.home.write("eks-pod-identity-token", "pod-identity-token\n")
        world.variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ignored-because-the-file-wins"
        let transport = FakeAWSTransport { _ in Canned.metadataCredentials() }
        #expect(try await world.resolve(chain: Self.chain(transport)).accessKeyID == "ASIAMETADATAEXAMPLE")
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://169.254.170.23/v1/credentials")
        #expect(request.header("Authorization") == "pod-identity-token")
    }

    @Test func containerFullURIOnLoopbackWithLiteralToken() async throws {
        let world = try CredentialWorld([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:51679/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic abc",
        ])
        let transport = FakeAWSTransport { _ in Canned.metadataCredentials() }
        _ = try await world.resolve(chain: Self.chain(transport))
        #expect(transport.requests.first?.header("Authorization") == "Basic abc")
    }

    @Test(arguments: ["http://example.com/creds", "http://169.254.169.254/latest", "http://10.0.0.5:8080/x"])
    func containerFullURIOnAnotherHostIsRefused(_ url: String) async throws {
        let world = try CredentialWorld(["AWS_CONTAINER_CREDENTIALS_FULL_URI": url])
        let transport = FakeAWSTransport { _ in Canned.metadataCredentials() }
        let error = try #require(await world.error(chain: Self.chain(transport)))
        #expect(error.code == .invalidConfiguration)
        #expect(error.description.contains("loopback address or one of 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost"))
        #expect(transport.requests.isEmpty)
    }

    @Test func containerHTTPSFullURIMayBeAnyHost() async throws {
        let world = try CredentialWorld(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/v1"])
        let transport = FakeAWSTransport { _ in Canned.metadataCredentials() }
        #expect(try await world.resolve(chain: Self.chain(transport)).accessKeyID == "ASIAMETADATAEXAMPLE")
    }

    @Test func containerErrorsAreRetriedThenReported() async throws {
        let world = try CredentialWorld(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"])
        let transport = FakeAWSTransport { _ in AWSHTTPResponse(status: 500, text: "internal error") }
        let provider = ContainerCredentialProvider(transport: transport, retry: .instant())
        let error = try #require(await world.error(chain: CredentialProviderChain([provider])))
        #expect(error.code == .credentialRetrieval)
        #expect(error.description.contains("received HTTP 500 from the container credentials endpoint: internal error"))
        #expect(transport.requests.count == 3)
    }

    @Test func containerNotConfiguredIsNotFound() async throws {
        let world = try CredentialWorld()
        let provider = ContainerCredentialProvider(transport: FakeAWSTransport { _ in Canned.metadataCredentials() })
        #expect(try await provider.resolve(world.context()) == .notFound(
            "container-role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
        ))
    }
}
