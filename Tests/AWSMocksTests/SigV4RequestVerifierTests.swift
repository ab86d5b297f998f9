import AWSAuth
import Foundation
import Testing
@testable import AWSMocks

@Suite("SigV4 request verification (mock AWS front end)")
struct SigV4RequestVerifierTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    static func world() -> MockAWSWorld {
        var iam = MockAWSWorld.IAMState()
        let alice = MockUser(name: "alice", accountID: "111111111111", accessKeys: [MockAccessKey(id: "AKIAALICEEXAMPLE", secret: secret)])
        iam.users[alice.arn] = alice
        let role = MockRole(name: "db", accountID: "111111111111", trustPolicy: "{}")
        iam.roles[role.arn] = role
        return MockAWSWorld(iam: iam)
    }

    /// A GetCallerIdentity POST signed as botocore signs it.
    static func signedRequest(
        keyID: String = "AKIAALICEEXAMPLE", secret: String = secret, token: String? = nil, date: Date = Date(),
        service: String = "sts", body: String = "Action=GetCallerIdentity&Version=2011-06-15"
    ) -> SigV4RequestVerifier.SignedRequest {
        let headers: [(name: String, value: String)] = [
            ("Host", "127.0.0.1:4566"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token),
            region: "us-east-1", service: service
        )
        let signed = signer.signHeaders(SigV4Request(method: "POST", headers: headers, body: Array(body.utf8)), date: date)
        var all: [String: String] = [:]
        for (name, value) in headers + signed.headersToAdd { all[name.lowercased()] = value }
        return .init(method: "POST", path: "/", query: nil, headers: all, body: Array(body.utf8))
    }

    func verify(_ request: SigV4RequestVerifier.SignedRequest, world: MockAWSWorld = world()) -> Result<MockPrincipal, AWSServiceError> {
        SigV4RequestVerifier(world: world).verify(request).map(\.0)
    }

    @Test func userKeySignatureIdentifiesTheUser() throws {
        let principal = try verify(Self.signedRequest()).get()
        #expect(principal.arn == "arn:aws:iam::111111111111:user/alice")
    }

    @Test func wrongSecretIsSignatureDoesNotMatch() {
        #expect(verify(Self.signedRequest(secret: "wrong")) == .failure(.signatureDoesNotMatch))
    }

    @Test func unknownKeyIsInvalidClientTokenID() {
        #expect(verify(Self.signedRequest(keyID: "AKIAUNKNOWNEXAMPLE")) == .failure(.invalidClientTokenID))
    }

    @Test func tamperedBodyIsSignatureDoesNotMatch() {
        var request = Self.signedRequest()
        request = .init(method: request.method, path: request.path, query: nil, headers: request.headers, body: Array("Action=GetCallerIdentity&Version=2011-06-16".utf8))
        #expect(verify(request) == .failure(.signatureDoesNotMatch))
    }

    @Test func requestOlderThanFifteenMinutesIsSignatureExpired() {
        guard case .failure(let error) = verify(Self.signedRequest(date: Date().addingTimeInterval(-16 * 60))) else {
            Issue.record("expected a failure"); return
        }
        #expect(error.code == "SignatureDoesNotMatch")
        #expect(error.message.hasPrefix("Signature expired: "))
    }

    @Test func sessionCredentialsWorkUntilTheyExpire() throws {
        let world = Self.world()
        let session = world.issueSession(role: world.role(arn: "arn:aws:iam::111111111111:role/db")!, sessionName: "s1", duration: 900, chained: false)
        let request = Self.signedRequest(keyID: session.accessKeyID, secret: session.secret, token: session.token)
        #expect(try verify(request, world: world).get().arn == "arn:aws:sts::111111111111:assumed-role/db/s1")
        // Without the session token, or with another one: not valid.
        let noToken = Self.signedRequest(keyID: session.accessKeyID, secret: session.secret)
        #expect(verify(noToken, world: world) == .failure(.invalidClientTokenID))
        // Replayed after expiry (the mock's clock moved on): ExpiredToken.
        world.advanceClock(by: 901)
        let late = Self.signedRequest(keyID: session.accessKeyID, secret: session.secret, token: session.token, date: world.now)
        #expect(verify(late, world: world) == .failure(.expiredToken))
    }

    @Test func garbageAuthorizationHeaderIsAnErrorNotACrash() {
        var request = Self.signedRequest()
        var headers = request.headers
        for garbage in ["", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=x", "Basic Zm9vOmJhcg==", String(repeating: "=", count: 10_000)] {
            headers["authorization"] = garbage
            request = .init(method: "POST", path: "/", query: nil, headers: headers, body: request.body)
            guard case .failure = verify(request) else { Issue.record("accepted \(garbage.prefix(30))"); continue }
        }
    }
}
