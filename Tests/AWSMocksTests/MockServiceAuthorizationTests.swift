import Foundation
import Testing
@testable import AWSMocks

/// Every action asks IAM with the action and resource ARN AWS uses; these check the ARNs through
/// the policy engine with a user whose policy names single resources.
@Suite("Mock services authorize with IAM")
struct MockServiceAuthorizationTests {
    static let labFile = """
        accounts:
          "111111111111":
            users:
              bob:
                access_keys: [{id: AKIABOBEXAMPLE, secret: s}]
                policies:
                  narrow:
                    Version: "2012-10-17"
                    Statement:
                      - {Effect: Allow, Action: "rds:DescribeDBInstances", Resource: "arn:aws:rds:us-east-1:111111111111:db:orders"}
                      - {Effect: Allow, Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/*"}
                      - {Effect: Allow, Action: "redshift-serverless:GetCredentials", Resource: "arn:aws:redshift-serverless:*:*:workgroup/*"}
        databases:
          orders: {kind: rds-instance, account: "111111111111"}
          legacy: {kind: rds-instance, account: "111111111111"}
        secrets:
          app/db: {value: v}
          other: {value: v}
        redshift_serverless:
          analytics: {account: "111111111111"}
        """

    let lab: TestLab
    let bob: MockPrincipal

    init() throws {
        lab = try TestLab(labFile: Self.labFile)
        bob = .user(lab.lab.world.user(named: "bob")!)
    }

    @Test func rdsChecksTheInstanceARNAndTheListingPattern() async throws {
        _ = try await lab.query("rds", "DescribeDBInstances", ["DBInstanceIdentifier": "orders"], caller: bob)
        let denied = await #expect(throws: AWSServiceError.self) {
            try await lab.query("rds", "DescribeDBInstances", ["DBInstanceIdentifier": "legacy"], caller: bob)
        }
        #expect(denied?.code == "AccessDenied")
        #expect(denied?.status == 403)
        #expect(denied?.message == "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:us-east-1:111111111111:db:legacy")
        let listing = await #expect(throws: AWSServiceError.self) { try await lab.query("rds", "DescribeDBInstances", caller: bob) }
        #expect(listing?.message.hasSuffix("on resource: arn:aws:rds:us-east-1:111111111111:db:*") == true)
    }

    @Test func secretsManagerChecksTheSecretARNAndHidesWhatItDeniesExists() async throws {
        _ = try await lab.json("secretsmanager", "GetSecretValue", #"{"SecretId": "app/db"}"#, caller: bob)
        let denied = await #expect(throws: AWSServiceError.self) {
            try await lab.json("secretsmanager", "GetSecretValue", #"{"SecretId": "other"}"#, caller: bob)
        }
        #expect(denied?.code == "AccessDeniedException")
        // Within the allowed pattern, a missing secret is not found; outside it, denied.
        await #expect(throws: AWSServiceError.secretNotFound) {
            try await lab.json("secretsmanager", "GetSecretValue", #"{"SecretId": "app/missing"}"#, caller: bob)
        }
        let hidden = await #expect(throws: AWSServiceError.self) {
            try await lab.json("secretsmanager", "GetSecretValue", #"{"SecretId": "nope"}"#, caller: bob)
        }
        #expect(hidden?.code == "AccessDeniedException")
        let listing = await #expect(throws: AWSServiceError.self) { try await lab.json("secretsmanager", "ListSecrets", "{}", caller: bob) }
        #expect(listing?.code == "AccessDeniedException")
    }

    @Test func redshiftServerlessChecksTheWorkgroupARN() async throws {
        let allowed = try await lab.json("redshift-serverless", "GetCredentials", #"{"workgroupName": "analytics"}"#, caller: bob)
        #expect(allowed.status == 200)
        let denied = try await lab.json("redshift-serverless", "GetWorkgroup", #"{"workgroupName": "analytics"}"#, caller: bob)
        #expect(denied.status == 400)
        #expect(denied.body.contains(#""__type":"AccessDeniedException""#))
        let missing = try await lab.json("redshift-serverless", "GetCredentials", #"{"workgroupName": "nope"}"#, caller: bob)
        #expect(missing.body.contains("ResourceNotFoundException"))
    }
}
