import Testing

@testable import AWSMocks

@Suite struct PolicyConditionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let op: String
        let values: [String]
        /// The request's values for the key `test:key`; nil: the key is missing.
        let request: [String]?
        let holds: Bool
        var testDescription: String { "\(op) \(values) vs \(request.map { "\($0)" } ?? "missing") = \(holds)" }
    }

    static let rows: [Row] = [
        // String: exact, case-sensitive, several policy values OR; missing fails.
        Row(op: "StringEquals", values: ["abc"], request: ["abc"], holds: true),
        Row(op: "StringEquals", values: ["abc"], request: ["ABC"], holds: false),
        Row(op: "StringEquals", values: ["a", "b"], request: ["b"], holds: true),
        Row(op: "StringEquals", values: ["a*"], request: ["abc"], holds: false),
        Row(op: "StringEquals", values: ["abc"], request: nil, holds: false),
        // Negated: none may match (NOR); missing holds.
        Row(op: "StringNotEquals", values: ["abc"], request: ["abd"], holds: true),
        Row(op: "StringNotEquals", values: ["abc"], request: ["abc"], holds: false),
        Row(op: "StringNotEquals", values: ["a", "b"], request: ["b"], holds: false),
        Row(op: "StringNotEquals", values: ["abc"], request: nil, holds: true),
        Row(op: "StringEqualsIgnoreCase", values: ["AbC"], request: ["aBc"], holds: true),
        Row(op: "StringEqualsIgnoreCase", values: ["abc"], request: ["abd"], holds: false),
        Row(op: "StringNotEqualsIgnoreCase", values: ["ABC"], request: ["abc"], holds: false),
        Row(op: "StringNotEqualsIgnoreCase", values: ["ABC"], request: ["abd"], holds: true),
        Row(op: "StringLike", values: ["ab*"], request: ["abc"], holds: true),
        Row(op: "StringLike", values: ["a?c"], request: ["abc"], holds: true),
        Row(op: "StringLike", values: ["a?c"], request: ["abbc"], holds: false),
        Row(op: "StringLike", values: ["AB*"], request: ["abc"], holds: false),
        Row(op: "StringLike", values: ["ab*"], request: nil, holds: false),
        Row(op: "StringNotLike", values: ["ab*"], request: ["xyz"], holds: true),
        Row(op: "StringNotLike", values: ["ab*"], request: ["abc"], holds: false),
        Row(op: "StringNotLike", values: ["ab*"], request: nil, holds: true),
        // ARN: ArnEquals and ArnLike behave alike, part by part.
        Row(op: "ArnEquals", values: ["arn:aws:iam::111122223333:role/*"], request: ["arn:aws:iam::111122223333:role/ci"], holds: true),
        Row(op: "ArnLike", values: ["arn:aws:iam::111122223333:role/*"], request: ["arn:aws:iam::444455556666:role/ci"], holds: false),
        Row(op: "ArnLike", values: ["arn:aws:sns:*:111122223333:*"], request: ["arn:aws:sns:eu-west-1:111122223333:alerts"], holds: true),
        Row(op: "ArnLike", values: ["arn:aws:sns:*:111122223333:*"], request: nil, holds: false),
        Row(op: "ArnNotEquals", values: ["arn:aws:iam::111122223333:role/ci"], request: ["arn:aws:iam::111122223333:role/ci"], holds: false),
        Row(op: "ArnNotLike", values: ["arn:aws:iam::111122223333:role/*"], request: ["arn:aws:iam::444455556666:role/ci"], holds: true),
        Row(op: "ArnNotLike", values: ["arn:aws:iam::111122223333:role/*"], request: nil, holds: true),
        // Bool: "true"/"false", either case.
        Row(op: "Bool", values: ["true"], request: ["true"], holds: true),
        Row(op: "Bool", values: ["true"], request: ["false"], holds: false),
        Row(op: "Bool", values: ["false"], request: ["FALSE"], holds: true),
        Row(op: "Bool", values: ["true"], request: nil, holds: false),
        // Numeric.
        Row(op: "NumericLessThan", values: ["10"], request: ["9"], holds: true),
        Row(op: "NumericLessThan", values: ["10"], request: ["10"], holds: false),
        Row(op: "NumericLessThanEquals", values: ["10"], request: ["10"], holds: true),
        Row(op: "NumericGreaterThan", values: ["10"], request: ["11"], holds: true),
        Row(op: "NumericGreaterThanEquals", values: ["10"], request: ["9"], holds: false),
        Row(op: "NumericEquals", values: ["1.50"], request: ["1.5"], holds: true),
        Row(op: "NumericEquals", values: ["1"], request: ["one"], holds: false),
        Row(op: "NumericNotEquals", values: ["3600"], request: ["900"], holds: true),
        Row(op: "NumericLessThan", values: ["10"], request: nil, holds: false),
        // Date: ISO 8601 or epoch seconds.
        Row(op: "DateGreaterThan", values: ["2020-01-01T00:00:01Z"], request: ["2021-06-01T12:00:00Z"], holds: true),
        Row(op: "DateLessThan", values: ["2020-01-01T00:00:00Z"], request: ["1577836799"], holds: true),
        Row(op: "DateLessThan", values: ["2020-01-01"], request: ["2020-01-01T00:00:00Z"], holds: false),
        // IP ranges, v4 and v6; an address alone is a /32.
        Row(op: "IpAddress", values: ["203.0.113.0/24"], request: ["203.0.113.7"], holds: true),
        Row(op: "IpAddress", values: ["203.0.113.0/24"], request: ["203.0.114.7"], holds: false),
        Row(op: "IpAddress", values: ["203.0.113.7"], request: ["203.0.113.8"], holds: false),
        Row(op: "IpAddress", values: ["2001:DB8:1234:5678::/64"], request: ["2001:db8:1234:5678::1"], holds: true),
        Row(op: "NotIpAddress", values: ["10.0.0.0/8"], request: ["192.0.2.1"], holds: true),
        // Null: "true" wants the key absent, "false" present.
        Row(op: "Null", values: ["true"], request: nil, holds: true),
        Row(op: "Null", values: ["true"], request: ["x"], holds: false),
        Row(op: "Null", values: ["false"], request: ["x"], holds: true),
        // …IfExists: a missing key is fine, a present one is tested.
        Row(op: "StringEqualsIfExists", values: ["abc"], request: nil, holds: true),
        Row(op: "StringEqualsIfExists", values: ["abc"], request: ["abd"], holds: false),
        Row(op: "BoolIfExists", values: ["true"], request: nil, holds: true),
        Row(op: "ArnLikeIfExists", values: ["arn:aws:iam::*:role/ci"], request: ["arn:aws:iam::111122223333:role/ci"], holds: true),
        // Set qualifiers over several request values.
        Row(op: "ForAnyValue:StringEquals", values: ["a", "b"], request: ["x", "a"], holds: true),
        Row(op: "ForAnyValue:StringEquals", values: ["a", "b"], request: ["x", "y"], holds: false),
        Row(op: "ForAnyValue:StringEquals", values: ["a"], request: nil, holds: false),
        Row(op: "ForAllValues:StringEquals", values: ["a", "b", "c"], request: ["a", "b"], holds: true),
        Row(op: "ForAllValues:StringEquals", values: ["a", "b"], request: ["a", "x"], holds: false),
        Row(op: "ForAllValues:StringEquals", values: ["a"], request: nil, holds: true),
        Row(op: "ForAllValues:StringLike", values: ["team-*"], request: ["team-db", "team-ops"], holds: true),
        Row(op: "ForAnyValue:StringNotEquals", values: ["a"], request: ["a", "x"], holds: true),
        Row(op: "ForAllValues:StringNotEquals", values: ["a"], request: ["a", "x"], holds: false),
    ]

    @Test(arguments: rows)
    func conditionOperator(_ row: Row) throws {
        let (qualifier, op, ifExists) = try #require(PolicyCondition.parseOperator(row.op))
        let condition = PolicyCondition(qualifier: qualifier, operator: op, ifExists: ifExists, key: "test:key", values: row.values)
        let context = RequestContext(row.request.map { ["test:key": $0] } ?? [:])
        #expect(condition.holds(in: context, variables: nil) == row.holds)
    }

    @Test func keysAreLookedUpWithoutRegardToCase() {
        let condition = PolicyCondition(qualifier: nil, operator: .stringEquals, ifExists: false, key: "AWS:UserName", values: ["alice"])
        #expect(condition.holds(in: RequestContext(["aws:username": ["alice"]]), variables: nil))
    }

    @Test func operatorNamesAreRead() {
        let plain = PolicyCondition.parseOperator("StringEquals")
        #expect(plain?.0 == nil && plain?.1 == .stringEquals && plain?.ifExists == false)
        let qualified = PolicyCondition.parseOperator("ForAllValues:ArnLikeIfExists")
        #expect(qualified?.0 == .forAllValues && qualified?.1 == .arnLike && qualified?.ifExists == true)
        #expect(PolicyCondition.parseOperator("StringEqual") == nil)
        #expect(PolicyCondition.parseOperator("ForSomeValues:StringEquals") == nil)
        #expect(PolicyCondition.parseOperator("ForAnyValue:Null") == nil)
    }

    /// Several keys in one operator, and several operators, must all hold (AND).
    @Test func keysAndOperatorsCombineWithAnd() throws {
        let document = try PolicyDocument(
            json: #"""
                {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "rds-db:connect", "Resource": "*",
                  "Condition": {"StringEquals": {"aws:PrincipalTag/team": "db", "aws:RequestedRegion": ["us-east-1", "eu-west-1"]},
                                "Bool": {"aws:SecureTransport": "true"}}}}
                """#,
            kind: .identity
        )
        func decide(_ context: [String: [String]]) -> Decision {
            PolicyEvaluator.evaluate(
                request: AuthorizationRequest(principal: Fixtures.alice, action: "rds-db:connect", resource: Fixtures.database, context: context),
                identityPolicies: [document], resourcePolicy: nil, permissionsBoundary: nil
            )
        }
        let good = ["aws:PrincipalTag/team": ["db"], "aws:RequestedRegion": ["eu-west-1"], "aws:SecureTransport": ["true"]]
        #expect(decide(good) == .allow)
        #expect(decide(good.merging(["aws:RequestedRegion": ["ap-south-1"]]) { $1 }) == .implicitDeny(.noAllow))
        #expect(decide(good.merging(["aws:SecureTransport": ["false"]]) { $1 }) == .implicitDeny(.noAllow))
        #expect(decide(good.filter { $0.key != "aws:PrincipalTag/team" }) == .implicitDeny(.noAllow))
    }

    @Test func policyVariablesInConditionValues() throws {
        let statement = #"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home", "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}}"#
        let v2012 = try PolicyDocument(json: #"{"Version": "2012-10-17", "Statement": \#(statement)}"#, kind: .identity)
        let v2008 = try PolicyDocument(json: #"{"Statement": \#(statement)}"#, kind: .identity)
        func decide(_ document: PolicyDocument, prefix: String) -> Decision {
            PolicyEvaluator.evaluate(
                request: AuthorizationRequest(principal: Fixtures.alice, action: "s3:ListBucket", resource: "arn:aws:s3:::home", context: ["s3:prefix": [prefix]]),
                identityPolicies: [document], resourcePolicy: nil, permissionsBoundary: nil
            )
        }
        // aws:username comes from the principal (alice).
        #expect(decide(v2012, prefix: "home/alice/notes") == .allow)
        #expect(decide(v2012, prefix: "home/bob/notes") == .implicitDeny(.noAllow))
        // In 2008-10-17 policies the variable is plain text.
        #expect(decide(v2008, prefix: "home/alice/notes") == .implicitDeny(.noAllow))
        #expect(decide(v2008, prefix: "home/${aws:username}/notes") == .allow)
    }
}
