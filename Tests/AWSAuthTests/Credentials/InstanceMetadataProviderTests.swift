import Foundation
import TestSupport
import Testing
@testable import AWSAuth

@Suite("iam-role: EC2 instance metadata, IMDSv2 and the v1 fallback")
struct InstanceMetadataProviderTests {
    static let listing = "/latest/meta-data/iam/security-credentials/"

    /// An IMDS: `token` answers the PUT (nil: the PUT reply never arrives), `role` the listing
    /// (nil: 404, no role attached).
    static func imds(token: Result<AWSHTTPResponse, AWSHTTPTransportError>, role: String? = "db-role") -> FakeAWSTransport {
        FakeAWSTransport { request in
            let path = URLComponents(string: request.url)?.path ?? ""
            switch (request.method, path) {
            case ("PUT", "/latest/api/token"): return try token.get()
            case ("GET", listing): return role.map { AWSHTTPResponse(status: 200, text: $0) } ?? AWSHTTPResponse(status: 404, text: "Not Found")
            case ("GET", listing + "db-role"): return Canned.metadataCredentials()
            default: return AWSHTTPResponse(status: 404, text: "Not Found")
            }
        }
    }

    static let timedOut = AWSHTTPTransportError(kind: .timedOut, url: "http://169.254.169.254/latest/api/token")

    func resolve(_ world: CredentialWorld, _ transport: FakeAWSTransport) async throws -> CredentialResolution {
        try await InstanceMetadataCredentialProvider(transport: transport).resolve(world.context())
    }

    @Test func imdsV2HappyPathSendsTheTokenHeaders() async throws {
        let transport = Self.imds(token: .success(AWSHTTPResponse(status: 200, text: "AQAEAimds-session-token")))
        let resolution = try await resolve(CredentialWorld(), transport)
        guard case .found(let credentials) = resolution else { Issue.record("\(resolution)"); return }
        #expect(credentials.accessKeyID == "ASIAMETADATAEXAMPLE")
        #expect(credentials.expiration == ISO8601DateFormatter().date(from: Canned.expiration))
        #expect(transport.calls == ["PUT /latest/api/token", "GET \(Self.listing)", "GET \(Self.listing)db-role"])
        let requests = transport.requests
        #expect(requests[0].url == "http://169.254.169.254/latest/api/token")
        #expect(requests[0].header("x-aws-ec2-metadata-token-ttl-seconds") == "21600")
        #expect(requests[1].header("x-aws-ec2-metadata-token") == "AQAEAimds-session-token")
        #expect(requests[2].header("x-aws-ec2-metadata-token") == "AQAEAimds-session-token")
        #expect(transport.timeouts == [.seconds(1), .seconds(1), .seconds(1)])
    }

    @Test func putTimeoutFallsBackToIMDSv1() async throws {
        let transport = Self.imds(token: .failure(Self.timedOut))
        let resolution = try await resolve(CredentialWorld(), transport)
        guard case .found(let credentials) = resolution else { Issue.record("\(resolution)"); return }
        #expect(credentials.accessKeyID == "ASIAMETADATAEXAMPLE")
        #expect(transport.calls == ["PUT /latest/api/token", "GET \(Self.listing)", "GET \(Self.listing)db-role"])
        #expect(transport.requests.dropFirst().allSatisfy { $0.header("x-aws-ec2-metadata-token") == nil })
    }

    @Test(arguments: [403, 404, 405])
    func putRefusalFallsBackToIMDSv1(_ status: Int) async throws {
        let transport = Self.imds(token: .success(AWSHTTPResponse(status: status, text: "")))
        let resolution = try await resolve(CredentialWorld(), transport)
        guard case .found = resolution else { Issue.record("\(resolution)"); return }
        #expect(transport.requests.count == 3)
    }

    @Test func putTimeoutWithV1DisabledIsNotFoundWithTheTiming() async throws {
        let transport = Self.imds(token: .failure(Self.timedOut))
        let resolution = try await resolve(CredentialWorld(["AWS_EC2_METADATA_V1_DISABLED": "true"]), transport)
        guard case .notFound(let line) = resolution else { Issue.record("expected notFound, got \(resolution)"); return }
        #expect(line.hasPrefix("iam-role: no reply to the IMDSv2 token request within 1.0 s"))
        #expect(line.contains("hop limit"))
        #expect(line.contains("IMDSv1 is disabled"))
        #expect(line.contains("PUT /latest/api/token → no reply within 1.0 s"))
        #expect(line.contains(try Regex(#"\d+\.\d s in all"#)))
        #expect(transport.calls == ["PUT /latest/api/token"])
    }

    @Test func v1DisabledInTheProfileCountsToo() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\nec2_metadata_v1_disabled = true\n")
        let transport = Self.imds(token: .success(AWSHTTPResponse(status: 403, text: "")))
        let resolution = try await resolve(world, transport)
        guard case .notFound(let line) = resolution else { Issue.record("\(resolution)"); return }
        #expect(line.contains("the token request answered HTTP 403; IMDSv1 is disabled"))
        #expect(transport.requests.count == 1)
    }

    @Test func badRequestOnPutStops() async throws {
        let transport = Self.imds(token: .success(AWSHTTPResponse(status: 400, text: "Bad Request")))
        let resolution = try await resolve(CredentialWorld(), transport)
        guard case .notFound(let line) = resolution else { Issue.record("\(resolution)"); return }
        #expect(line.contains("IMDS rejected the token request (HTTP 400)"))
        #expect(transport.calls == ["PUT /latest/api/token"])
    }

    @Test func noRoleAttachedIsNotFound() async throws {
        let transport = Self.imds(token: .success(AWSHTTPResponse(status: 200, text: "tok")), role: nil)
        let resolution = try await resolve(CredentialWorld(), transport)
        guard case .notFound(let line) = resolution else { Issue.record("\(resolution)"); return }
        #expect(line.hasPrefix("iam-role: no IAM role is attached to this instance (IMDS at http://169.254.169.254"))
        #expect(line.contains("GET \(Self.listing) → HTTP 404"))
    }

    @Test func disabledMeansNoRequest() async throws {
        let transport = Self.imds(token: .success(AWSHTTPResponse(status: 200, text: "tok")))
        let resolution = try await resolve(CredentialWorld(["AWS_EC2_METADATA_DISABLED": "true"]), transport)
        #expect(resolution == .notFound("iam-role: AWS_EC2_METADATA_DISABLED=true"))
        #expect(transport.requests.isEmpty)
    }

    @Test func endpointAndAttemptsFromTheEnvironment() async throws {
        let world = try CredentialWorld([
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2",
            "AWS_METADATA_SERVICE_TIMEOUT": "3",
        ])
        let transport = FakeAWSTransport(sequence: [
            .failure(AWSHTTPTransportError(kind: .connectionFailed, url: "")),
            .success(AWSHTTPResponse(status: 200, text: "tok")),
            .success(AWSHTTPResponse(status: 200, text: "db-role")),
            .success(Canned.metadataCredentials()),
        ])
        let resolution = try await resolve(world, transport)
        guard case .found = resolution else { Issue.record("\(resolution)"); return }
        #expect(transport.requests.first?.url == "http://127.0.0.1:1338/latest/api/token")
        #expect(Array(transport.calls.prefix(2)) == ["PUT /latest/api/token", "PUT /latest/api/token"])
        #expect(transport.timeouts.allSatisfy { $0 == .seconds(3) })
    }

    @Test func errorJSONFromIMDSIsNotFoundWithItsCode() async throws {
        let transport = FakeAWSTransport { request in
            switch URLComponents(string: request.url)?.path ?? "" {
            case "/latest/api/token": AWSHTTPResponse(status: 200, text: "tok")
            case Self.listing: AWSHTTPResponse(status: 200, text: "db-role")
            default: AWSHTTPResponse(status: 200, text: #"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role db-role.","LastUpdated":"2026-11-20T10:00:00Z"}"#)
            }
        }
        let resolution = try await resolve(CredentialWorld(), transport)
        guard case .notFound(let line) = resolution else { Issue.record("\(resolution)"); return }
        #expect(line.contains("role db-role: the endpoint reported AssumeRoleUnauthorizedAccess: EC2 cannot assume the role db-role."))
    }

    @Test func credentialSourceEc2InstanceMetadataUsesIMDS() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\nrole_arn = arn:aws:iam::222222222222:role/db\ncredential_source = Ec2InstanceMetadata\n")
        let transport = FakeAWSTransport { request in
            switch URLComponents(string: request.url)?.path ?? "" {
            case "/latest/api/token": AWSHTTPResponse(status: 200, text: "tok")
            case Self.listing: AWSHTTPResponse(status: 200, text: "db-role")
            case Self.listing + "db-role": Canned.metadataCredentials()
            default: Canned.assumeRole()
            }
        }
        let credentials = try await world.resolve(chain: .standard(network: .live(transport: transport, retry: .instant())))
        #expect(credentials.accessKeyID == "ASIAASSUMEDEXAMPLE")
        let sts = try #require(transport.requests.last)
        #expect(sts.header("Authorization")?.contains("Credential=ASIAMETADATAEXAMPLE/") == true)
        #expect(sts.header("X-Amz-Security-Token") == "metadata-token")
    }
}
