import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import AWSMocks

@Suite("Mock instance metadata, container credentials and admin routes")
struct MockInstanceMetadataTests {
    static let ttl = HTTPField.Name("x-aws-ec2-metadata-token-ttl-seconds")!
    static let token = HTTPField.Name("x-aws-ec2-metadata-token")!
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    func withRoutes(_ lab: TestLab, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router()
        for routes in lab.lab.routes { routes.addRoutes(to: router) }
        try await Application(router: router).test(.router, test)
    }

    @Test func tokenFlowGivesSessionCredentialsTheWorldHonours() async throws {
        let lab = try TestLab()
        try await withRoutes(lab) { client in
            #expect(try await client.execute(uri: "/latest/api/token", method: .put).status == .badRequest)
            #expect(try await client.execute(uri: "/latest/api/token", method: .put, headers: [Self.ttl: "21601"]).status == .badRequest)
            let tokenResponse = try await client.execute(uri: "/latest/api/token", method: .put, headers: [Self.ttl: "60"])
            #expect(tokenResponse.status == .ok)
            let token = String(buffer: tokenResponse.body)
            let role = try await client.execute(uri: Self.credentialsPath, method: .get, headers: [Self.token: token])
            #expect(String(buffer: role.body) == "ec2-role")
            let credentials = try await client.execute(uri: Self.credentialsPath + "ec2-role", method: .get, headers: [Self.token: token])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(credentials.body.readableBytesView)) as? [String: String])
            #expect(object["Code"] == "Success")
            #expect(object["Type"] == "AWS-HMAC")
            let keyID = try #require(object["AccessKeyId"])
            guard case .session(let session) = lab.lab.world.keyOwner(keyID) else { Issue.record("not a session"); return }
            #expect(session.token == object["Token"])
            #expect(object["Expiration"] == WireFormat.timestamp(session.expiration))
            // A wrong token, and the right one after its TTL: 401.
            #expect(try await client.execute(uri: Self.credentialsPath, method: .get, headers: [Self.token: "forged"]).status == .unauthorized)
            lab.lab.world.advanceClock(by: 61)
            #expect(try await client.execute(uri: Self.credentialsPath, method: .get, headers: [Self.token: token]).status == .unauthorized)
        }
    }

    @Test func modesChangeWhatClientsSee() async throws {
        let lab = try TestLab()
        try await withRoutes(lab) { client in
            #expect(try await client.execute(uri: Self.credentialsPath, method: .get).status == .ok)
            lab.lab.instanceMetadata.update { $0.mode = .v1Disabled }
            #expect(try await client.execute(uri: Self.credentialsPath, method: .get).status == .unauthorized)
            lab.lab.instanceMetadata.update { $0.mode = .noRole }
            #expect(try await client.execute(uri: Self.credentialsPath, method: .get).status == .notFound)
            lab.lab.instanceMetadata.update { $0.mode = .hopLimit1; $0.hold = .milliseconds(50) }
            #expect(try await client.execute(uri: "/latest/api/token", method: .put, headers: [Self.ttl: "60"]).status == .gatewayTimeout)
            #expect(try await client.execute(uri: Self.credentialsPath, method: .get).status == .ok)
            let region = try await client.execute(uri: "/latest/meta-data/placement/region", method: .get)
            #expect(String(buffer: region.body) == "us-east-1")
        }
    }

    @Test func modesAcceptTheLabFileSpelling() {
        #expect(MockInstanceMetadata.Mode(name: "hop-limit-1") == .hopLimit1)
        #expect(MockInstanceMetadata.Mode(name: "v1-disabled") == .v1Disabled)
        #expect(MockInstanceMetadata.Mode(name: "noRole") == .noRole)
        #expect(MockInstanceMetadata.Mode(name: "fast") == nil)
    }

    @Test func containerCredentialsNeedTheToken() async throws {
        let lab = try TestLab()
        try await withRoutes(lab) { client in
            #expect(try await client.execute(uri: "/ecs/credentials", method: .get).status == .unauthorized)
            let wrong = try await client.execute(uri: "/ecs/credentials", method: .get, headers: [.authorization: "other"])
            #expect(wrong.status == .unauthorized)
            let response = try await client.execute(uri: "/ecs/credentials", method: .get, headers: [.authorization: "container-token"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String])
            #expect(object["RoleArn"] == "arn:aws:iam::111111111111:role/app")
            #expect(object["AccessKeyId"]?.hasPrefix("ASIA") == true)
        }
    }

    @Test func adminRoutesSwitchModesAndRejectBadBodies() async throws {
        let lab = try TestLab()
        try await withRoutes(lab) { client in
            let ok = try await client.execute(uri: "/_mock/imds", method: .post, body: ByteBuffer(string: #"{"mode": "slow", "delayMilliseconds": 10}"#))
            #expect(ok.status == .ok)
            #expect(lab.lab.instanceMetadata.configuration.mode == .slow)
            #expect(lab.lab.instanceMetadata.configuration.delay == .milliseconds(10))
            for bad in ["garbage", #"{"mode": 3}"#, #"{"mode": "fast"}"#, #"{"delayMilliseconds": -1}"#] {
                let response = try await client.execute(uri: "/_mock/imds", method: .post, body: ByteBuffer(string: bad))
                #expect(response.status == .badRequest, "\(bad)")
            }
            let huge = try await client.execute(uri: "/_mock/clock", method: .post, body: ByteBuffer(string: String(repeating: " ", count: 100_000)))
            #expect(huge.status == .contentTooLarge)
            let before = lab.lab.world.now
            #expect(try await client.execute(uri: "/_mock/clock", method: .post, body: ByteBuffer(string: #"{"advanceSeconds": 3600}"#)).status == .ok)
            #expect(lab.lab.world.now.timeIntervalSince(before) >= 3600)
            #expect(try await client.execute(uri: "/_mock/reset", method: .post).status == .ok)
            #expect(lab.lab.instanceMetadata.configuration.mode == .normal)
            #expect(abs(lab.lab.world.now.timeIntervalSinceNow) < 60)
        }
    }
}
