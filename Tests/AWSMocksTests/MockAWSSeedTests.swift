import Foundation
import Testing
@testable import AWSMocks

@Suite("Mock AWS seed files")
struct MockAWSSeedTests {
    @Test func policiesMayBeObjectsOrStrings() throws {
        let seed = try MockAWSSeed.parse(Data("""
            {"roles": [{"name": "a", "policies": {"p": {"Version": "2012-10-17", "Statement": []}}},
                       {"name": "b", "trustPolicy": "{\\"Statement\\": []}"}]}
            """.utf8))
        let iam = try seed.iamState()
        #expect(iam.roles["arn:aws:iam::111111111111:role/a"]?.inlinePolicies["p"] == #"{"Statement":[],"Version":"2012-10-17"}"#)
        #expect(iam.roles["arn:aws:iam::111111111111:role/b"]?.trustPolicy == #"{"Statement": []}"#)
        #expect(iam.roles["arn:aws:iam::111111111111:role/a"]?.trustPolicy.contains("ec2.amazonaws.com") == true)
    }

    @Test func errorsNameWhatToFix() throws {
        let missing = #expect(throws: MockAWSSeedError.self) {
            try MockAWSSeed.parse(Data(#"{"rds": {"instances": [{"engine": "postgres"}]}}"#.utf8))
        }
        #expect(missing?.description == #"mock AWS seed: rds.instances[0]: missing "id""#)
        let ghost = #expect(throws: MockAWSSeedError.self) {
            try MockAWSLab(seed: try MockAWSSeed.parse(Data(#"{"instanceMetadata": {"role": "ghost"}}"#.utf8)))
        }
        #expect(ghost?.code == .unknownReference)
        let cluster = #expect(throws: MockAWSSeedError.self) {
            try MockAWSLab(seed: try MockAWSSeed.parse(Data(#"{"rds": {"instances": [{"id": "a", "cluster": "c"}]}}"#.utf8)))
        }
        #expect(cluster?.code == .unknownReference)
    }

    @Test func resetRestoresTheSeed() async throws {
        let lab = try TestLab()
        _ = try await lab.query("rds", "ModifyDBInstance", ["DBInstanceIdentifier": "legacy", "EnableIAMDatabaseAuthentication": "true", "ApplyImmediately": "true"])
        _ = try await lab.json("secretsmanager", "CreateSecret", #"{"Name": "new", "SecretString": "v"}"#)
        let arn = lab.lab.secrets.secret("app/db", accountID: TestLab.account)?.arn
        lab.lab.reset()
        #expect(lab.lab.rds.instance("legacy", accountID: TestLab.account)?.iamDatabaseAuthenticationEnabled == false)
        #expect(lab.lab.secrets.secret("new", accountID: TestLab.account) == nil)
        #expect(lab.lab.secrets.secret("app/db", accountID: TestLab.account)?.arn == arn)
    }
}
