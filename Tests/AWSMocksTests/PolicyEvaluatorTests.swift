import Testing

@testable import AWSMocks

@Suite struct PolicyEvaluatorTests {
    typealias F = Fixtures

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        var identity: [String] = []
        var resourcePolicy: [String]? = nil
        var boundary: [String]? = nil
        var principal: PrincipalIdentity = Fixtures.alice
        var action = "rds-db:connect"
        var resource = Fixtures.database
        var context: [String: [String]] = [:]
        let expected: Decision
        var testDescription: String { name }
    }

    static let home = F.home
    static let aliceARN = #"{"AWS": "arn:aws:iam::\#(home):user/alice"}"#

    static let cases: [Case] = [
        Case(name: "identity policy allows", identity: [F.allow("rds-db:connect", on: F.database)], expected: .allow),
        Case(name: "no policy: implicit deny", expected: .implicitDeny(.noAllow)),
        Case(name: "action wildcard", identity: [F.allow("rds-db:*", on: F.database)], expected: .allow),
        Case(name: "action case does not matter", identity: [F.allow("RDS-DB:Connect", on: F.database)], expected: .allow),
        Case(
            name: "resource wildcard over all db users",
            identity: [F.allow("rds-db:connect", on: "arn:aws:rds-db:us-east-1:\(home):dbuser:db-ABC/*")], expected: .allow
        ),
        Case(
            name: "resource case matters",
            identity: [F.allow("rds-db:connect", on: "arn:aws:rds-db:us-east-1:\(home):dbuser:db-abc/*")],
            expected: .implicitDeny(.noAllow)
        ),
        Case(name: "allow on another resource", identity: [F.allow("rds-db:connect", on: F.otherDatabase)], expected: .implicitDeny(.noAllow)),
        Case(
            name: "explicit deny overrides allow",
            identity: [F.allow("*"), F.deny("rds-db:connect", sid: "NoDatabases")], expected: .explicitDeny(sid: "NoDatabases")
        ),
        Case(
            name: "deny in a resource policy overrides an identity allow",
            identity: [F.allow("rds-db:connect")],
            resourcePolicy: [#"{"Sid": "Lock", "Effect": "Deny", "Principal": "*", "Action": "rds-db:*", "Resource": "*"}"#],
            expected: .explicitDeny(sid: "Lock")
        ),
        Case(
            name: "deny in the boundary overrides an allow",
            identity: [F.allow("*")], boundary: [F.allow("*"), F.deny("rds-db:*", sid: "Fence")], expected: .explicitDeny(sid: "Fence")
        ),
        Case(
            name: "NotAction allows what it does not list",
            identity: [#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#], expected: .allow
        ),
        Case(
            name: "NotAction does not allow what it lists",
            identity: [#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#], action: "iam:CreateUser",
            resource: "arn:aws:iam::\(home):user/eve", expected: .implicitDeny(.noAllow)
        ),
        Case(
            name: "NotResource deny hits other resources",
            identity: [F.allow("rds-db:connect"), #"{"Sid": "OnlyABC", "Effect": "Deny", "Action": "rds-db:connect", "NotResource": "arn:aws:rds-db:us-east-1:\#(home):dbuser:db-ABC/*"}"#],
            resource: F.otherDatabase, expected: .explicitDeny(sid: "OnlyABC")
        ),
        Case(
            name: "NotResource deny spares the listed resource",
            identity: [F.allow("rds-db:connect"), #"{"Sid": "OnlyABC", "Effect": "Deny", "Action": "rds-db:connect", "NotResource": "arn:aws:rds-db:us-east-1:\#(home):dbuser:db-ABC/*"}"#],
            expected: .allow
        ),
        Case(
            name: "boundary limits an identity allow",
            identity: [F.allow("*")], boundary: [F.allow("s3:*")], expected: .implicitDeny(.permissionsBoundary)
        ),
        Case(name: "boundary that allows", identity: [F.allow("*")], boundary: [F.allow("rds-db:connect")], expected: .allow),
        Case(name: "boundary alone grants nothing", boundary: [F.allow("*")], expected: .implicitDeny(.noAllow)),
        Case(
            name: "condition on the identity allow fails when the key is missing",
            identity: [#"{"Effect": "Allow", "Action": "rds-db:connect", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#],
            expected: .implicitDeny(.noAllow)
        ),
        Case(
            name: "condition on the identity allow holds",
            identity: [#"{"Effect": "Allow", "Action": "rds-db:connect", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#],
            context: ["aws:SecureTransport": ["true"]], expected: .allow
        ),
        // Same account: a resource policy alone may allow, depending on how it names the principal.
        Case(name: "resource policy naming the user", resourcePolicy: [F.grant("rds-db:connect", to: aliceARN, on: "*")], expected: .allow),
        Case(
            name: "resource policy naming the user is not limited by the boundary",
            resourcePolicy: [F.grant("rds-db:connect", to: aliceARN, on: "*")], boundary: [F.allow("s3:*")], expected: .allow
        ),
        Case(
            name: "resource policy naming only the account needs an identity policy",
            resourcePolicy: [F.grant("rds-db:connect", to: #"{"AWS": "\#(home)"}"#, on: "*")], expected: .implicitDeny(.identityPolicy)
        ),
        Case(
            name: "resource policy naming the account plus an identity policy",
            identity: [F.allow("rds-db:connect")], resourcePolicy: [F.grant("rds-db:connect", to: #"{"AWS": "\#(home)"}"#, on: "*")],
            expected: .allow
        ),
        Case(
            name: "resource policy naming the role allows its session",
            resourcePolicy: [F.grant("rds-db:connect", to: #"{"AWS": "arn:aws:iam::\#(home):role/ci"}"#, on: "*")],
            principal: F.ciSession, expected: .allow
        ),
        Case(
            name: "resource policy naming the role is limited by the boundary",
            resourcePolicy: [F.grant("rds-db:connect", to: #"{"AWS": "arn:aws:iam::\#(home):role/ci"}"#, on: "*")],
            boundary: [F.allow("s3:*")], principal: F.ciSession, expected: .implicitDeny(.permissionsBoundary)
        ),
        Case(
            name: "resource policy naming another principal",
            resourcePolicy: [F.grant("rds-db:connect", to: #"{"AWS": "arn:aws:iam::\#(home):user/eve"}"#, on: "*")],
            expected: .implicitDeny(.noAllow)
        ),
        // Cross-account: both sides must allow.
        Case(
            name: "cross-account with both sides",
            identity: [F.allow("rds-db:connect", on: F.foreignDatabase)],
            resourcePolicy: [F.grant("rds-db:connect", to: #"{"AWS": "\#(home)"}"#, on: "*")],
            resource: F.foreignDatabase, expected: .allow
        ),
        Case(
            name: "cross-account without an identity policy",
            resourcePolicy: [F.grant("rds-db:connect", to: aliceARN, on: "*")],
            resource: F.foreignDatabase, expected: .implicitDeny(.identityPolicy)
        ),
        Case(
            name: "cross-account without a resource policy",
            identity: [F.allow("rds-db:connect")], resource: F.foreignDatabase, expected: .implicitDeny(.resourcePolicy)
        ),
        Case(
            name: "cross-account with a resource policy for another account",
            identity: [F.allow("rds-db:connect")],
            resourcePolicy: [F.grant("rds-db:connect", to: #"{"AWS": "999999999999"}"#, on: "*")],
            resource: F.foreignDatabase, expected: .implicitDeny(.resourcePolicy)
        ),
        Case(
            name: "cross-account with both sides but a boundary",
            identity: [F.allow("rds-db:connect")], resourcePolicy: [F.grant("rds-db:connect", to: aliceARN, on: "*")],
            boundary: [F.allow("s3:*")], resource: F.foreignDatabase, expected: .implicitDeny(.permissionsBoundary)
        ),
        // The root user needs no policy in its own account, but a Deny still applies.
        Case(name: "root user in its own account", principal: .root(account: home), expected: .allow),
        Case(
            name: "root user and a resource policy deny",
            resourcePolicy: [#"{"Sid": "NoOne", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}"#],
            principal: .root(account: home), expected: .explicitDeny(sid: "NoOne")
        ),
    ]

    @Test(arguments: cases)
    func evaluation(_ entry: Case) throws {
        let identity = try entry.identity.map { try F.policy($0) }
        let resource = try entry.resourcePolicy.map { try PolicyDocument(json: #"{"Version": "2012-10-17", "Statement": [\#($0.joined(separator: ","))]}"#, kind: .resource) }
        let boundary = try entry.boundary.map { try PolicyDocument(json: #"{"Version": "2012-10-17", "Statement": [\#($0.joined(separator: ","))]}"#, kind: .identity) }
        let request = AuthorizationRequest(principal: entry.principal, action: entry.action, resource: entry.resource, context: entry.context)
        let decision = PolicyEvaluator.evaluate(
            request: request, identityPolicies: identity, resourcePolicy: resource, permissionsBoundary: boundary
        )
        #expect(decision == entry.expected)
    }

    @Test func principalKeysAreInTheContext() throws {
        let policy = try F.policy(
            #"{"Effect": "Allow", "Action": "rds-db:connect", "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::\#(F.home):role/ci"}, "StringEquals": {"aws:PrincipalAccount": "\#(F.home)", "aws:PrincipalType": "AssumedRole"}}}"#
        )
        let asSession = AuthorizationRequest(principal: F.ciSession, action: "rds-db:connect", resource: F.database)
        let asAlice = AuthorizationRequest(principal: F.alice, action: "rds-db:connect", resource: F.database)
        #expect(PolicyEvaluator.evaluate(request: asSession, identityPolicies: [policy], resourcePolicy: nil, permissionsBoundary: nil) == .allow)
        #expect(PolicyEvaluator.evaluate(request: asAlice, identityPolicies: [policy], resourcePolicy: nil, permissionsBoundary: nil) == .implicitDeny(.noAllow))
    }

    @Test func theResourceAccountComesFromTheARN() {
        #expect(AuthorizationRequest(principal: F.alice, action: "x:y", resource: F.foreignDatabase).isCrossAccount)
        #expect(!AuthorizationRequest(principal: F.alice, action: "x:y", resource: F.database).isCrossAccount)
        #expect(!AuthorizationRequest(principal: F.alice, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/key").isCrossAccount)
        #expect(AuthorizationRequest(principal: F.alice, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/key", resourceAccount: F.other).isCrossAccount)
    }
}
