import Foundation
import Testing
@testable import AWSMocks

@Suite("Mock Redshift Serverless (JSON 1.1)")
struct RedshiftServerlessServiceTests {
    @Test func getWorkgroupRendersTheEndpoint() async throws {
        let lab = try TestLab()
        let body = try await lab.jsonObject("redshift-serverless", "GetWorkgroup", #"{"workgroupName": "analytics"}"#)
        let workgroup = try #require(body["workgroup"] as? [String: Any])
        let endpoint = try #require(workgroup["endpoint"] as? [String: Any])
        #expect(endpoint["address"] as? String == "analytics.111111111111.us-east-1.redshift-serverless.amazonaws.com")
        #expect(endpoint["port"] as? Int == 5439)
        #expect(workgroup["status"] as? String == "AVAILABLE")
        #expect((workgroup["workgroupArn"] as? String)?.hasPrefix("arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/") == true)
    }

    @Test func missingWorkgroupIsResourceNotFoundWithLowerCaseMessage() async throws {
        let lab = try TestLab()
        let reply = try await lab.json("redshift-serverless", "GetWorkgroup", #"{"workgroupName": "nope"}"#)
        #expect(reply.status == 400)
        #expect(reply.body == #"{"__type":"ResourceNotFoundException","message":"Serverless workgroup nope not found."}"#)
    }

    @Test func credentialsNameTheCallerAndVerifyUntilExpiry() async throws {
        let lab = try TestLab()
        let asRole = try await lab.jsonObject("redshift-serverless", "GetCredentials", #"{"workgroupName": "analytics", "durationSeconds": 900}"#, caller: lab.session())
        #expect(asRole["dbUser"] as? String == "IAMR:app")
        let password = try #require(asRole["dbPassword"] as? String)
        let expiration = try #require(asRole["expiration"] as? Double)
        #expect(abs(expiration - lab.lab.world.now.timeIntervalSince1970 - 900) < 5)
        #expect(lab.lab.redshiftServerless.verifyPassword(workgroup: "analytics", user: "IAMR:app", password: password))
        #expect(!lab.lab.redshiftServerless.verifyPassword(workgroup: "analytics", user: "IAMR:other", password: password))
        #expect(!lab.lab.redshiftServerless.verifyPassword(workgroup: "analytics", user: "IAMR:app", password: password + "x"))
        lab.lab.world.advanceClock(by: 901)
        #expect(!lab.lab.redshiftServerless.verifyPassword(workgroup: "analytics", user: "IAMR:app", password: password))

        let asUser = try await lab.jsonObject("redshift-serverless", "GetCredentials", #"{"workgroupName": "analytics"}"#)
        #expect(asUser["dbUser"] as? String == "IAM:alice")
    }

    @Test func durationOutsideTheRangeIsAValidationException() async throws {
        let lab = try TestLab()
        for duration in [899, 3601, 0] {
            let reply = try await lab.json("redshift-serverless", "GetCredentials", "{\"workgroupName\": \"analytics\", \"durationSeconds\": \(duration)}")
            #expect(reply.status == 400)
            #expect(reply.body.contains("ValidationException"))
        }
        let wrongType = try await lab.json("redshift-serverless", "GetCredentials", #"{"workgroupName": ["x"]}"#)
        #expect(wrongType.body.contains("SerializationException"))
    }
}
