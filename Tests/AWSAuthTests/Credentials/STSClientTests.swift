import Foundation
import Testing
@testable import AWSAuth

@Suite("STS client: query protocol, errors, retries")
struct STSClientTests {
    static let caller = AWSCredentials(accessKeyID: "AKIACALLEREXAMPLE", secretAccessKey: "caller-secret")
    static let role = "arn:aws:iam::222222222222:role/db"
    static let denial = "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/db"

    static func client(_ transport: FakeAWSTransport, waits: WaitLog = WaitLog()) -> STSClient {
        STSClient(transport: transport, endpoint: "https://sts.us-west-2.amazonaws.com", region: "us-west-2", retry: .instant(waits))
    }

    @Test func assumeRoleParsesCredentialsExpirationAndARN() async throws {
        let transport = FakeAWSTransport { _ in Canned.assumeRole() }
        let role = try await Self.client(transport).assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        #expect(role.credentials == AWSCredentials(
            accessKeyID: "ASIAASSUMEDEXAMPLE", secretAccessKey: "assumed-secret", sessionToken: "assumed-token",
            expiration: ISO8601DateFormatter().date(from: Canned.expiration)
        ))
        #expect(role.assumedRoleARN == "arn:aws:sts::222222222222:assumed-role/db/session")
        #expect(role.assumedRoleID == "AROA3XFRBF535PLBIFPI4:session")
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://sts.us-west-2.amazonaws.com/")
        #expect(request.header("Host") == "sts.us-west-2.amazonaws.com")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.form == ["Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": Self.role, "RoleSessionName": "s"])
        try expectValidSignature(request, credentials: Self.caller, region: "us-west-2")
    }

    @Test func accessDeniedTextIsExactAndNotRetried() async throws {
        let waits = WaitLog()
        let transport = FakeAWSTransport { _ in Canned.stsError("AccessDenied", Self.denial, status: 403) }
        let error = try await #require(throws: STSError.self) {
            try await Self.client(transport, waits: waits).assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        }
        #expect(error.description == "AccessDenied: \(Self.denial)")
        #expect(error == STSError(code: "AccessDenied", message: Self.denial, httpStatus: 403, type: "Sender", requestID: "4c0e0a2e-1c1a-4f6e-9a57-0d7a3c4d9f11"))
        #expect(transport.requests.count == 1)
        #expect(waits.all.isEmpty)
    }

    @Test func otherClientErrorsAreNotRetriedEither() async throws {
        let transport = FakeAWSTransport { _ in Canned.stsError("ValidationError", "1 validation error detected", status: 400) }
        await #expect(throws: STSError.self) {
            try await Self.client(transport).assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        }
        #expect(transport.requests.count == 1)
    }

    @Test func throttlingIsRetriedWithBackoffThenSucceeds() async throws {
        let waits = WaitLog()
        let transport = FakeAWSTransport(sequence: [
            .success(Canned.stsError("Throttling", "Rate exceeded", status: 400)),
            .success(Canned.stsError("Throttling", "Rate exceeded", status: 400)),
            .success(Canned.assumeRole()),
        ])
        let role = try await Self.client(transport, waits: waits).assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        #expect(role.credentials.accessKeyID == "ASIAASSUMEDEXAMPLE")
        #expect(transport.requests.count == 3)
        #expect(waits.all == [.seconds(1), .seconds(2)])
        // Each attempt is signed anew (the signature carries the time).
        #expect(transport.requests.allSatisfy { $0.header("Authorization") != nil })
    }

    @Test func retriesAreBoundedToThreeAttempts() async throws {
        let transport = FakeAWSTransport { _ in Canned.stsError("Throttling", "Rate exceeded", status: 400) }
        let error = try await #require(throws: STSError.self) {
            try await Self.client(transport).assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        }
        #expect(error.code == "Throttling")
        #expect(transport.requests.count == 3)
    }

    @Test func serverErrorsAndConnectionFailuresAreRetried() async throws {
        let transport = FakeAWSTransport(sequence: [
            .success(AWSHTTPResponse(status: 503, text: "<html>Service Unavailable</html>")),
            .failure(AWSHTTPTransportError(kind: .connectionFailed, url: "https://sts.us-west-2.amazonaws.com/")),
            .success(Canned.assumeRole()),
        ])
        let role = try await Self.client(transport).assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        #expect(role.credentials.accessKeyID == "ASIAASSUMEDEXAMPLE")
        #expect(transport.requests.count == 3)
    }

    @Test func backoffIsCappedAndJittered() {
        let policy = RetryPolicy(jitter: { 0.5 })
        #expect(policy.delay(after: 1) == .milliseconds(500))
        #expect(policy.delay(after: 2) == .seconds(1))
        #expect(policy.delay(after: 30) == .seconds(10))
    }

    @Test func webIdentityCallIsUnsigned() async throws {
        let transport = FakeAWSTransport { _ in Canned.assumeRole(action: "AssumeRoleWithWebIdentity") }
        let role = try await Self.client(transport).assumeRoleWithWebIdentity(webIdentityToken: "eyJ.jwt.sig", roleARN: Self.role, sessionName: "ci")
        #expect(role.credentials.sessionToken == "assumed-token")
        let request = try #require(transport.requests.first)
        #expect(request.header("Authorization") == nil)
        #expect(request.header("X-Amz-Date") == nil)
        #expect(request.form == [
            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": Self.role,
            "RoleSessionName": "ci", "WebIdentityToken": "eyJ.jwt.sig",
        ])
    }

    @Test func getCallerIdentity() async throws {
        let transport = FakeAWSTransport { _ in
            AWSHTTPResponse(status: 200, text: """
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult>
                    <Arn>arn:aws:iam::111111111111:user/alice</Arn>
                    <UserId>AIDASAMPLEUSERID</UserId>
                    <Account>111111111111</Account>
                  </GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>
                """)
        }
        let identity = try await Self.client(transport).getCallerIdentity(credentials: Self.caller)
        #expect(identity == STSCallerIdentity(arn: "arn:aws:iam::111111111111:user/alice", account: "111111111111", userID: "AIDASAMPLEUSERID"))
        #expect(transport.requests.first?.form == ["Action": "GetCallerIdentity", "Version": "2011-06-15"])
    }

    @Test func aBrokenSuccessReplyIsNeverQuoted() async throws {
        let transport = FakeAWSTransport { _ in
            AWSHTTPResponse(status: 200, text: "<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>leaked-secret</SecretAccessKey>")
        }
        let error = try await #require(throws: STSError.self) {
            try await Self.client(transport).assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        }
        #expect(error.code == "MalformedResponse")
        #expect(!error.description.contains("leaked-secret"))
        #expect(transport.requests.count == 1)
    }

    @Test func endpointWithPortKeepsItInHostAndURL() async throws {
        let transport = FakeAWSTransport { _ in Canned.assumeRole() }
        let client = STSClient(transport: transport, endpoint: "http://localhost:4566", region: "us-east-1", retry: .instant())
        _ = try await client.assumeRole(credentials: Self.caller, roleARN: Self.role, sessionName: "s")
        #expect(transport.requests.first?.url == "http://localhost:4566/")
        #expect(transport.requests.first?.header("Host") == "localhost:4566")
    }
}
