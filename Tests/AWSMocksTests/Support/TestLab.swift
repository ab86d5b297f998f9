import Foundation
import Lab
@testable import AWSMocks

/// A mock AWS from a small lab file (built as `dbtunnel lab aws` builds it), and calls into its
/// services as the listener would make them (already verified, with the caller set).
struct TestLab {
    static let account = "111111111111"
    /// An inline policy allowing everything (the policy engine denies what no policy allows).
    static let allowAll = #"{all: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}}"#
    static let labFile = """
        region: us-east-1
        accounts:
          "111111111111":
            users:
              alice: {access_keys: [{id: AKIAALICEEXAMPLE, secret: alice-secret}], policies: \(allowAll)}
            roles:
              app: {policies: \(allowAll)}
              ec2-role: {}
        databases:
          orders: {kind: rds-instance, account: "111111111111", engine: postgres, tags: {team: payments}}
          legacy: {kind: rds-instance, account: "111111111111", engine: mysql, iam_auth: false}
          aurora-1: {kind: rds-instance, account: "111111111111", engine: aurora-postgresql, cluster: aurora}
          aurora-2: {kind: rds-instance, account: "111111111111", engine: aurora-postgresql, cluster: aurora}
          aurora: {kind: aurora-cluster, account: "111111111111", engine: aurora-postgresql, iam_auth: false}
          orders-proxy: {kind: rds-proxy, account: "111111111111", endpoints: {orders-ro: {target_role: READ_ONLY}}}
        secrets:
          app/db: {value: '{"password": "one"}', description: app login}
        redshift_serverless:
          analytics: {namespace: main, account: "111111111111"}
        imds: {role: "arn:aws:iam::111111111111:role/ec2-role"}
        ecs: {role: "arn:aws:iam::111111111111:role/app", token: container-token}
        """

    let lab: MockAWSLab

    init(labFile: String = Self.labFile) throws {
        lab = try LabFile.parse(labFile, file: "test-lab.yaml").makeMockAWS()
    }

    var alice: MockPrincipal { .user(lab.world.user(named: "alice")!) }

    func session(role: String = "app") -> MockPrincipal {
        let role = lab.world.role(arn: "arn:aws:iam::\(Self.account):role/\(role)")!
        return .session(lab.world.issueSession(role: role, sessionName: "test", duration: 3600, chained: false))
    }

    /// The lab's service with this signing name.
    func service(_ signingName: String) -> any MockAWSService {
        lab.services.first { $0.signingName == signingName }!
    }

    func query(_ signingName: String, _ action: String, _ parameters: [String: String] = [:], caller: MockPrincipal? = nil) async throws(AWSServiceError) -> String {
        let call = AWSCall(wireProtocol: .query, action: action, parameters: parameters, caller: caller ?? alice)
        return try await service(signingName).handle(call).body
    }

    /// A JSON 1.1 call; the reply (errors included, for services that render their own).
    func json(_ signingName: String, _ action: String, _ body: String, caller: MockPrincipal? = nil) async throws(AWSServiceError) -> AWSReply {
        let call = AWSCall(wireProtocol: .json, action: action, jsonBody: Array(body.utf8), caller: caller ?? alice)
        return try await service(signingName).handle(call)
    }

    func jsonObject(_ signingName: String, _ action: String, _ body: String, caller: MockPrincipal? = nil) async throws -> [String: Any] {
        let reply = try await json(signingName, action, body, caller: caller)
        return try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as! [String: Any]
    }
}
