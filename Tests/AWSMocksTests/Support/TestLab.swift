import Foundation
@testable import AWSMocks

/// A lab from a small seed, and calls into its services as the listener would make them
/// (already verified, with the caller set).
struct TestLab {
    static let account = "111111111111"
    /// An inline policy allowing everything (the policy engine denies what no policy allows).
    static let allowAll = #"{"all": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}"#
    static let seed = """
        {
          "account": "111111111111", "region": "us-east-1",
          "users": [{"name": "alice", "accessKeyId": "AKIAALICEEXAMPLE", "secretAccessKey": "alice-secret", "policies": \(allowAll)}],
          "roles": [{"name": "app", "policies": \(allowAll)},
                    {"name": "ec2-role"}],
          "rds": {
            "instances": [
              {"id": "orders", "engine": "postgres", "tags": {"team": "payments"}},
              {"id": "legacy", "engine": "mysql", "iamAuth": false},
              {"id": "aurora-1", "engine": "aurora-postgresql", "cluster": "aurora"},
              {"id": "aurora-2", "engine": "aurora-postgresql", "cluster": "aurora"}
            ],
            "clusters": [{"id": "aurora", "engine": "aurora-postgresql", "iamAuth": false}],
            "proxies": [{"name": "orders-proxy", "endpoints": [{"name": "orders-ro", "targetRole": "READ_ONLY"}]}]
          },
          "secrets": [{"name": "app/db", "secretString": "{\\"password\\": \\"one\\"}", "description": "app login"}],
          "redshiftServerless": {"workgroups": [{"name": "analytics", "namespace": "main"}]},
          "instanceMetadata": {"role": "ec2-role"},
          "containerCredentials": {"role": "app", "authorizationToken": "container-token"}
        }
        """

    let lab: MockAWSLab

    init(seed: String = Self.seed) throws {
        lab = try MockAWSLab(seed: try MockAWSSeed.parse(Data(seed.utf8)))
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
