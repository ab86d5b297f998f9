import Testing

@testable import AWSMocks

@Suite struct PolicyDocumentParsingTests {
    @Test func aSingleStatementObjectAndStringElements() throws {
        let document = try PolicyDocument(
            json: #"{"Version": "2012-10-17", "Statement": {"Sid": "Connect", "Effect": "Allow", "Action": "rds-db:connect", "Resource": "arn:aws:rds-db:*:*:dbuser:*/alice"}}"#,
            kind: .identity
        )
        #expect(document.version == .v2012_10_17)
        #expect(document.statements.count == 1)
        let statement = try #require(document.statements.first)
        #expect(statement.sid == "Connect")
        #expect(statement.effect == .allow)
        #expect(statement.actions == .action(["rds-db:connect"]))
        #expect(statement.resources == .resource(["arn:aws:rds-db:*:*:dbuser:*/alice"]))
        #expect(statement.principals == nil)
    }

    @Test func arraysNotElementsAndTheDefaultVersion() throws {
        let document = try PolicyDocument(
            json: #"{"Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"]}]}"#,
            kind: .identity
        )
        #expect(document.version == .v2008_10_17)
        #expect(document.statements[0].actions == .notAction(["iam:*", "sts:*"]))
        #expect(document.statements[0].resources == .notResource(["arn:aws:s3:::a", "arn:aws:s3:::b"]))
    }

    @Test func principalForms() throws {
        let document = try PolicyDocument(
            json: #"""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
                  {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"},
                  {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {
                    "AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/team/ci",
                            "arn:aws:sts::123456789012:assumed-role/ci/build-7"],
                    "Service": "ec2.amazonaws.com", "Federated": "accounts.google.com"}}
                ]}
                """#,
            kind: .trust
        )
        #expect(document.statements[0].principals == .principal(.anyone))
        #expect(document.statements[1].principals == .principal(PolicyPrincipal(aws: ["123456789012"], service: [], federated: [], canonicalUser: [])))
        guard case .principal(let listed)? = document.statements[2].principals else {
            Issue.record("expected a Principal")
            return
        }
        #expect(listed.aws.count == 3)
        #expect(listed.service == ["ec2.amazonaws.com"])
        #expect(listed.federated == ["accounts.google.com"])
        #expect(document.statements[0].resources == nil)
    }

    @Test func conditionValuesOfEveryJSONType() throws {
        let document = try PolicyDocument(
            json: #"""
                {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                  "Condition": {"Bool": {"aws:SecureTransport": true}, "NumericLessThanEquals": {"s3:max-keys": 10},
                                "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team-*", "env"]}}}}
                """#,
            kind: .identity
        )
        let conditions = document.statements[0].conditions
        #expect(conditions.count == 3)
        let bool = try #require(conditions.first { $0.operator == .bool })
        #expect(bool.values == ["true"])
        let numeric = try #require(conditions.first { $0.operator == .numericLessThanEquals })
        #expect(numeric.values == ["10"])
        let like = try #require(conditions.first { $0.operator == .stringLike })
        #expect(like.qualifier == .forAnyValue)
        #expect(like.ifExists)
        #expect(like.values == ["team-*", "env"])
    }

    @Test func aResourcePolicyMayUseSidsWithSpaces() throws {
        let document = try PolicyDocument(
            json: #"{"Version": "2012-10-17", "Statement": {"Sid": "Allow the app", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}}"#,
            kind: .resource
        )
        #expect(document.statements[0].sid == "Allow the app")
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let json: String
        let kind: PolicyDocument.Kind
        let code: PolicyDocumentError.Code
        let message: String
        var testDescription: String { name }
    }

    static let statement = #""Effect": "Allow", "Action": "s3:GetObject", "Resource": "*""#

    static let malformed: [Malformed] = [
        Malformed(name: "not JSON", json: "{Version: 2012}", kind: .identity, code: .syntaxError, message: "Syntax errors in policy."),
        Malformed(name: "not an object", json: "[1, 2]", kind: .identity, code: .syntaxError, message: "Syntax errors in policy."),
        Malformed(
            name: "unknown top-level element", json: #"{"Version": "2012-10-17", "Statements": []}"#, kind: .identity,
            code: .syntaxError, message: "Syntax errors in policy."
        ),
        Malformed(
            name: "no Statement", json: #"{"Version": "2012-10-17"}"#, kind: .identity,
            code: .missingField, message: "Missing required field Statement"
        ),
        Malformed(
            name: "unknown Version", json: #"{"Version": "2012-10-18", "Statement": {\#(statement)}}"#, kind: .identity,
            code: .legacyParsing, message: "The policy failed legacy parsing"
        ),
        Malformed(
            name: "lower-case effect", json: #"{"Statement": {"Effect": "allow", "Action": "s3:*", "Resource": "*"}}"#,
            kind: .identity, code: .legacyParsing, message: "The policy failed legacy parsing"
        ),
        Malformed(
            name: "no Effect", json: #"{"Statement": {"Action": "s3:*", "Resource": "*"}}"#, kind: .identity,
            code: .missingField, message: "Missing required field Effect"
        ),
        Malformed(
            name: "identity policy with Principal",
            json: #"{"Statement": {"Principal": {"AWS": "111122223333"}, \#(statement)}}"#, kind: .identity,
            code: .principalNotAllowed, message: "Policy document should not specify a principal."
        ),
        Malformed(
            name: "identity policy with NotPrincipal",
            json: #"{"Statement": {"NotPrincipal": {"AWS": "111122223333"}, \#(statement)}}"#, kind: .identity,
            code: .principalNotAllowed, message: "Policy document should not specify a principal."
        ),
        Malformed(
            name: "trust policy without Principal", json: #"{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#,
            kind: .trust, code: .missingField, message: "Missing required field Principal"
        ),
        Malformed(
            name: "resource policy without Principal", json: #"{"Statement": {\#(statement)}}"#, kind: .resource,
            code: .missingField, message: "Missing required field Principal"
        ),
        Malformed(
            name: "trust policy with Resource",
            json: #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole", "Resource": "*"}}"#,
            kind: .trust, code: .prohibitedField, message: "Has prohibited field Resource"
        ),
        Malformed(
            name: "trust policy with a non-STS action",
            json: #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject"}}"#,
            kind: .trust, code: .trustActionNotAllowed, message: "AssumeRole policy may only specify STS AssumeRole actions."
        ),
        Malformed(
            name: "no Resource", json: #"{"Statement": {"Effect": "Allow", "Action": "s3:*"}}"#, kind: .identity,
            code: .missingResources, message: "Policy statement must contain resources."
        ),
        Malformed(
            name: "no Action", json: #"{"Statement": {"Effect": "Allow", "Resource": "*"}}"#, kind: .identity,
            code: .missingActions, message: "Policy statement must contain actions."
        ),
        Malformed(
            name: "Action and NotAction", json: #"{"Statement": {"NotAction": "iam:*", \#(statement)}}"#, kind: .identity,
            code: .syntaxError, message: "Syntax errors in policy."
        ),
        Malformed(
            name: "action without service prefix", json: #"{"Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}}"#,
            kind: .identity, code: .invalidAction,
            message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        ),
        Malformed(
            name: "action with two colons", json: #"{"Statement": {"Effect": "Allow", "Action": "s3:Get:Object", "Resource": "*"}}"#,
            kind: .identity, code: .invalidAction, message: "Actions/Condition can contain only one colon."
        ),
        Malformed(
            name: "resource not an ARN", json: #"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "my-bucket"}}"#,
            kind: .identity, code: .invalidResource, message: #"Resource my-bucket must be in ARN format or "*"."#
        ),
        Malformed(
            name: "principal that is a bare name",
            json: #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "sts:AssumeRole"}}"#,
            kind: .trust, code: .invalidPrincipal, message: #"Invalid principal in policy: "AWS":"alice""#
        ),
        Malformed(
            name: "principal with a wildcard",
            json: #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}, "Action": "sts:AssumeRole"}}"#,
            kind: .trust, code: .invalidPrincipal,
            message: #"Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*""#
        ),
        Malformed(
            name: "unknown condition operator",
            json: #"{"Statement": {\#(statement), "Condition": {"StringEqualz": {"aws:username": "alice"}}}}"#,
            kind: .identity, code: .syntaxError, message: "Syntax errors in policy."
        ),
        Malformed(
            name: "condition without operator",
            json: #"{"Statement": {\#(statement), "Condition": {"aws:username": "alice"}}}"#,
            kind: .identity, code: .syntaxError, message: "Syntax errors in policy."
        ),
        Malformed(
            name: "Null with IfExists",
            json: #"{"Statement": {\#(statement), "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}}"#,
            kind: .identity, code: .syntaxError, message: "Syntax errors in policy."
        ),
        Malformed(
            name: "duplicate Sid",
            json: #"{"Statement": [{"Sid": "A", \#(statement)}, {"Sid": "A", \#(statement)}]}"#,
            kind: .identity, code: .duplicateSid, message: "Statement IDs (SID) in a single policy must be unique."
        ),
        Malformed(
            name: "Sid with a space in an identity policy", json: #"{"Statement": {"Sid": "my sid", \#(statement)}}"#,
            kind: .identity, code: .invalidSid,
            message: "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
        ),
    ]

    @Test(arguments: malformed)
    func malformedDocumentsAreRefusedWithIAMsMessage(_ entry: Malformed) {
        #expect {
            _ = try PolicyDocument(json: entry.json, kind: entry.kind)
        } throws: { error in
            guard let error = error as? PolicyDocumentError else { return false }
            return error.code == entry.code && error.message == entry.message
        }
    }

    @Test func theDescriptionSaysWhereAndWhat() {
        do {
            _ = try PolicyDocument(
                json: #"{"Version": "2012-10-17", "Statement": [{\#(Self.statement)}, {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#,
                kind: .identity
            )
            Issue.record("expected an error")
        } catch {
            #expect(error.location == "Statement[1].Principal")
            #expect(error.description.hasPrefix("MalformedPolicyDocument: Policy document should not specify a principal."))
            #expect(error.description.contains("Statement[1].Principal"))
        }
    }
}
