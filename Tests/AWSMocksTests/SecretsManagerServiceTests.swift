import Foundation
import Testing
@testable import AWSMocks

@Suite("Mock Secrets Manager (JSON 1.1)")
struct SecretsManagerServiceTests {
    static let token1 = "11111111-1111-1111-1111-111111111111"
    static let token2 = "22222222-2222-2222-2222-222222222222"

    @Test func createThenGetByNameAndARN() async throws {
        let lab = try TestLab()
        let created = try await lab.jsonObject("secretsmanager", "CreateSecret", #"{"Name": "svc/pg", "SecretString": "s3cret", "ClientRequestToken": "\#(Self.token1)"}"#)
        let arn = try #require(created["ARN"] as? String)
        #expect(arn.wholeMatch(of: /arn:aws:secretsmanager:us-east-1:111111111111:secret:svc\/pg-[A-Za-z0-9]{6}/) != nil)
        #expect(created["VersionId"] as? String == Self.token1)
        for id in ["svc/pg", arn, "arn:aws:secretsmanager:us-east-1:111111111111:secret:svc/pg"] {
            let value = try await lab.jsonObject("secretsmanager", "GetSecretValue", "{\"SecretId\": \"\(id)\"}")
            #expect(value["SecretString"] as? String == "s3cret")
            #expect(value["VersionStages"] as? [String] == ["AWSCURRENT"])
            #expect(value["CreatedDate"] is Double || value["CreatedDate"] is Int)
        }
    }

    @Test func putMovesCurrentToPrevious() async throws {
        let lab = try TestLab()
        let first = try await lab.jsonObject("secretsmanager", "GetSecretValue", #"{"SecretId": "app/db"}"#)
        let put = try await lab.jsonObject("secretsmanager", "PutSecretValue", #"{"SecretId": "app/db", "SecretString": "two", "ClientRequestToken": "\#(Self.token2)"}"#)
        #expect(put["VersionId"] as? String == Self.token2)
        #expect(put["VersionStages"] as? [String] == ["AWSCURRENT"])
        let previous = try await lab.jsonObject("secretsmanager", "GetSecretValue", #"{"SecretId": "app/db", "VersionStage": "AWSPREVIOUS"}"#)
        #expect(previous["VersionId"] as? String == first["VersionId"] as? String)
        let described = try await lab.jsonObject("secretsmanager", "DescribeSecret", #"{"SecretId": "app/db"}"#)
        let stages = try #require(described["VersionIdsToStages"] as? [String: [String]])
        #expect(stages[Self.token2] == ["AWSCURRENT"])
        #expect(stages.count == 2)
        // The same token again with the same value is a no-op; with another value, an error.
        _ = try await lab.json("secretsmanager", "PutSecretValue", #"{"SecretId": "app/db", "SecretString": "two", "ClientRequestToken": "\#(Self.token2)"}"#)
        await #expect(throws: AWSServiceError.self) {
            try await lab.json("secretsmanager", "PutSecretValue", #"{"SecretId": "app/db", "SecretString": "three", "ClientRequestToken": "\#(Self.token2)"}"#)
        }
    }

    @Test func missingSecretAndVersionAreResourceNotFound() async throws {
        let lab = try TestLab()
        await #expect(throws: AWSServiceError.secretNotFound) {
            try await lab.json("secretsmanager", "GetSecretValue", #"{"SecretId": "nope"}"#)
        }
        #expect(AWSServiceError.secretNotFound.message == "Secrets Manager can't find the specified secret.")
        await #expect(throws: AWSServiceError.secretValueNotFound("staging label: AWSPENDING")) {
            try await lab.json("secretsmanager", "GetSecretValue", #"{"SecretId": "app/db", "VersionStage": "AWSPENDING"}"#)
        }
    }

    @Test func badBodiesAreServiceErrors() async throws {
        let lab = try TestLab()
        for body in ["not json", #"{"SecretId": 42}"#, "[]"] {
            await #expect(throws: AWSServiceError.self) { try await lab.json("secretsmanager", "GetSecretValue", body) }
        }
        await #expect(throws: AWSServiceError.self) {
            try await lab.json("secretsmanager", "CreateSecret", #"{"Name": "x", "SecretString": "a", "SecretBinary": "YQ=="}"#)
        }
        await #expect(throws: AWSServiceError.self) {
            try await lab.json("secretsmanager", "CreateSecret", #"{"Name": "app/db", "SecretString": "dup"}"#)
        }
    }

    @Test func listFiltersByNamePrefixAndPages() async throws {
        let lab = try TestLab()
        for name in ["team/a", "team/b", "other"] {
            _ = try await lab.json("secretsmanager", "CreateSecret", "{\"Name\": \"\(name)\", \"SecretString\": \"v\"}")
        }
        let filtered = try await lab.jsonObject("secretsmanager", "ListSecrets", #"{"Filters": [{"Key": "name", "Values": ["TEAM/"]}]}"#)
        let names = (filtered["SecretList"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String }
        #expect(names == ["team/a", "team/b"])
        let page = try await lab.jsonObject("secretsmanager", "ListSecrets", #"{"MaxResults": 3}"#)
        #expect((page["SecretList"] as? [Any])?.count == 3)
        let token = try #require(page["NextToken"] as? String)
        let rest = try await lab.jsonObject("secretsmanager", "ListSecrets", "{\"MaxResults\": 3, \"NextToken\": \"\(token)\"}")
        #expect((rest["SecretList"] as? [Any])?.count == 1)
        #expect(rest["NextToken"] == nil)
    }
}
