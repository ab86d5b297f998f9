import Foundation
import TestSupport
import Testing
@testable import AWSAuth

@Suite("RDS IAM auth token")
struct RDSAuthTokenTests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let instant = AmzDate.parse("20240115T123456Z")!

    @Test func matchesBotocoreVector() {
        let token = RDSAuthToken.generate(
            host: "mydb.cluster-abc123xyz.us-east-1.rds.amazonaws.com", port: 5432, user: "iam_user",
            region: "us-east-1", credentials: Self.credentials, date: Self.instant
        )
        #expect(token == "mydb.cluster-abc123xyz.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=iam_user"
            + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240115%2Fus-east-1%2Frds-db%2Faws4_request"
            + "&X-Amz-Date=20240115T123456Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=f9f1d31a7af42b2cd0ba72098f3b44cac0d1308f31805b310af430b1ee86ff6a")
    }

    @Test func signsLowerCasedHostButKeepsCallerCaseInText() {
        let mixed = RDSAuthToken.generate(
            host: "MyDB.cluster-ABC123xyz.us-east-1.rds.amazonaws.com", port: 5432, user: "iam_user",
            region: "us-east-1", credentials: Self.credentials, date: Self.instant
        )
        #expect(mixed.hasPrefix("MyDB.cluster-ABC123xyz.us-east-1.rds.amazonaws.com:5432/?"))
        // Same signature as the lower-case host: the signed host header is lower-cased.
        #expect(mixed.hasSuffix("X-Amz-Signature=f9f1d31a7af42b2cd0ba72098f3b44cac0d1308f31805b310af430b1ee86ff6a"))
    }

    @Test func dropsPort443FromSignedHostOnly() {
        let presigned = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "rds-db").presign(
            SigV4Request(method: "GET", query: [("Action", "connect"), ("DBUser", "u")], headers: [("host", "h.example")]),
            date: Self.instant, expires: 900
        )
        let token = RDSAuthToken.generate(
            host: "h.example", port: 443, user: "u", region: "us-east-1", credentials: Self.credentials, date: Self.instant
        )
        #expect(token.hasPrefix("h.example:443/?Action=connect&DBUser=u&"))
        #expect(token.hasSuffix("X-Amz-Signature=\(presigned.signature.signature)"))
    }

    @Test func encodesUserAndPutsSessionTokenBeforeSignature() {
        let token = RDSAuthToken.generate(
            host: "db.example", port: 3306, user: "jane doe@corp", region: "eu-west-1",
            credentials: AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "tok/en+=="),
            date: Self.instant
        )
        #expect(token.contains("&DBUser=jane%20doe%40corp&"))
        #expect(token.contains("&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok%2Fen%2B%3D%3D&X-Amz-Signature="))
    }

    @Test func signingKeyIsDerivedOncePerDayRegionAndService() {
        let cache = SigningKeyCache()
        for offset in 0..<5 {
            _ = RDSAuthToken.generate(
                host: "db.example", port: 5432, user: "u", region: "us-east-1", credentials: Self.credentials,
                date: Self.instant.addingTimeInterval(TimeInterval(offset * 60)), keyCache: cache
            )
        }
        #expect(cache.count == 1)
        _ = RDSAuthToken.generate(
            host: "db.example", port: 5432, user: "u", region: "us-west-2", credentials: Self.credentials,
            date: Self.instant, keyCache: cache
        )
        #expect(cache.count == 2)
    }
}

/// Cross-check against the real aws CLI: whatever it prints, we print, for the same instant.
@Suite("RDS token equals aws rds generate-db-auth-token", .serialized)
struct RDSAuthTokenAWSCLITests {
    struct Case: Sendable, CustomTestStringConvertible {
        let host: String
        let port: Int
        let user: String
        let sessionToken: String?
        var testDescription: String { "\(host):\(port) user=\(user) token=\(sessionToken != nil)" }
    }

    static let cases: [Case] = [
        Case(host: "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com", port: 5432, user: "iam_user", sessionToken: nil),
        Case(host: "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com", port: 5432, user: "iam_user",
             sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+example=="),
        Case(host: "MyDB.Cluster-ABCDEFGHIJKL.eu-west-1.RDS.amazonaws.com", port: 3306, user: "iam_user", sessionToken: nil),
        Case(host: "proxy.proxy-abcdefghijkl.us-west-2.rds.amazonaws.com", port: 443, user: "iam_user", sessionToken: "FwoGZXIvYXdzEXAMPLE"),
        Case(host: "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com", port: 5432, user: "jane doe@example.com", sessionToken: nil),
    ]

    @Test(arguments: cases)
    func tokenIsIdenticalToAWSCLI(_ testCase: Case) throws {
        let region = "us-east-1"
        var environment = [
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        if let sessionToken = testCase.sessionToken { environment["AWS_SESSION_TOKEN"] = sessionToken }
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        environment["HOME"] = NSTemporaryDirectory()
        let result = try Subprocess.run([
            "aws", "rds", "generate-db-auth-token", "--hostname", testCase.host, "--port", String(testCase.port),
            "--username", testCase.user, "--region", region,
        ], environment: environment)
        try #require(result.status == 0, "aws CLI failed: \(result.stderr)")
        let theirs = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let dateField = try #require(theirs.split(separator: "&").first { $0.hasPrefix("X-Amz-Date=") })
        let instant = try #require(AmzDate.parse(dateField.dropFirst("X-Amz-Date=".count)))
        let ours = RDSAuthToken.generate(
            host: testCase.host, port: testCase.port, user: testCase.user, region: region,
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: testCase.sessionToken
            ),
            date: instant
        )
        #expect(ours == theirs)
    }
}
