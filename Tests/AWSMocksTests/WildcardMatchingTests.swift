import Testing

@testable import AWSMocks

@Suite struct WildcardMatchingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let pattern: String
        let value: String
        let matches: Bool
        var testDescription: String { "\(pattern) ~ \(value) = \(matches)" }
    }

    /// Actions: `*` and `?`, service prefix and name compared without regard to case.
    static let actions: [Row] = [
        Row(pattern: "rds-db:*", value: "rds-db:connect", matches: true),
        Row(pattern: "sts:Assume*", value: "sts:AssumeRole", matches: true),
        Row(pattern: "sts:Assume*", value: "sts:AssumeRoleWithWebIdentity", matches: true),
        Row(pattern: "sts:AssumeRole", value: "STS:assumerole", matches: true),
        Row(pattern: "RDS-DB:Connect", value: "rds-db:connect", matches: true),
        Row(pattern: "s3:Get?bject", value: "s3:GetObject", matches: true),
        Row(pattern: "s3:Get?bject", value: "s3:GetObbject", matches: false),
        Row(pattern: "iam:*AccessKey*", value: "iam:CreateAccessKey", matches: true),
        Row(pattern: "iam:*AccessKey*", value: "iam:ListAccessKeys", matches: true),
        Row(pattern: "*", value: "secretsmanager:GetSecretValue", matches: true),
        Row(pattern: "rds-db:*", value: "rds:DescribeDBInstances", matches: false),
        Row(pattern: "rds:*", value: "rds-db:connect", matches: false),
        Row(pattern: "sts:AssumeRole", value: "sts:AssumeRoleWithSAML", matches: false),
    ]

    @Test(arguments: actions)
    func actionMatching(_ row: Row) {
        #expect(Wildcard.matchesAction(row.pattern, row.value) == row.matches)
    }

    static let db = "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC"

    /// Resources: case-sensitive, each of the six ARN parts on its own.
    static let resources: [Row] = [
        Row(pattern: "\(db)/*", value: "\(db)/alice", matches: true),
        Row(pattern: "\(db)/*", value: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-abc/alice", matches: false),
        Row(pattern: "\(db)/*", value: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCD/alice", matches: false),
        Row(pattern: "\(db)/alice", value: "\(db)/Alice", matches: false),
        Row(pattern: "arn:aws:rds-db:*:*:dbuser:*/alice", value: "\(db)/alice", matches: true),
        Row(pattern: "arn:aws:rds-db:us-east-?:123456789012:dbuser:db-ABC/*", value: "\(db)/alice", matches: true),
        Row(pattern: "*", value: "\(db)/alice", matches: true),
        Row(pattern: "arn:aws:s3:::bucket/*/test/*", value: "arn:aws:s3:::bucket/1/2/test/3/object.jpg", matches: true),
        Row(pattern: "arn:aws:s3:::bucket/*/test/*", value: "arn:aws:s3:::bucket/1-test/object.jpg", matches: false),
        Row(pattern: "arn:aws:iam::123456789012:user/Bob", value: "arn:aws:iam::123456789012:user/bob", matches: false),
        Row(pattern: "arn:aws:iam::123456789012:user/accounting/*", value: "arn:aws:iam::123456789012:user/accounting/eve", matches: true),
        // A `*` in one part does not run into the next (the docs' ArnLike example).
        Row(
            pattern: "arn:aws:someservice:*:111122223333:finance/*",
            value: "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
            matches: false
        ),
        // The resource part keeps its own colons.
        Row(
            pattern: "arn:aws:logs:us-east-1:123456789012:log-group:app:*",
            value: "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:web-1",
            matches: true
        ),
        Row(pattern: "arn:aws:secretsmanager:*:123456789012:secret:db-*", value: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass-AbCdEf", matches: true),
    ]

    @Test(arguments: resources)
    func resourceMatching(_ row: Row) {
        #expect(Wildcard.matchesARN(row.pattern, row.value) == row.matches)
    }

    @Test func stringLikeLetsAStarRunAcrossColons() {
        #expect(
            Wildcard.matches(
                "arn:aws:someservice:*:111122223333:finance/*",
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
            )
        )
    }

    @Test func policyVariables() {
        let alice = RequestContext(["aws:username": ["alice"]])
        #expect(Wildcard.matchesARN("arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:s3:::bucket/home/alice/notes", variables: alice))
        #expect(!Wildcard.matchesARN("arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:s3:::bucket/home/bob/notes", variables: alice))
        // Key names ignore case, also inside a variable.
        #expect(Wildcard.matches("${AWS:UserName}", "alice", variables: alice))
        // `${*}` is a literal star, not a wildcard.
        #expect(Wildcard.matches("a${*}b", "a*b", variables: alice))
        #expect(!Wildcard.matches("a${*}b", "axb", variables: alice))
        // No value: nothing matches; a default fills in.
        #expect(!Wildcard.matches("${aws:SourceIdentity}", "", variables: alice))
        #expect(Wildcard.matches("${aws:SourceIdentity, 'none'}", "none", variables: alice))
        // Without variables (policy version 2008-10-17) the text is literal.
        #expect(Wildcard.matches("home/${aws:username}", "home/${aws:username}"))
        #expect(PolicyVariables.substitute("user-${aws:username}-x", alice) == "user-alice-x")
        #expect(PolicyVariables.substitute("cost $5", alice) == "cost $5")
    }
}

@Suite struct PrincipalMatchingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let principal: String
        let who: PrincipalIdentity
        let expected: PrincipalMatch
        var testDescription: String { "\(principal) vs \(who.arn)" }
    }

    static let home = Fixtures.home
    static let rows: [Row] = [
        Row(principal: #""*""#, who: Fixtures.alice, expected: .direct),
        Row(principal: #"{"AWS": "*"}"#, who: Fixtures.bob, expected: .direct),
        Row(principal: #"{"AWS": "\#(home)"}"#, who: Fixtures.alice, expected: .account),
        Row(principal: #"{"AWS": "\#(home)"}"#, who: Fixtures.bob, expected: .none),
        Row(principal: #"{"AWS": "arn:aws:iam::\#(home):root"}"#, who: Fixtures.ciSession, expected: .account),
        Row(principal: #"{"AWS": "arn:aws:iam::\#(home):user/alice"}"#, who: Fixtures.alice, expected: .direct),
        Row(principal: #"{"AWS": "arn:aws:iam::\#(home):user/Alice"}"#, who: Fixtures.alice, expected: .none),
        Row(principal: #"{"AWS": ["\#(home)", "arn:aws:iam::\#(home):user/alice"]}"#, who: Fixtures.alice, expected: .direct),
        // A trust policy naming a role matches that role's sessions (role chaining).
        Row(principal: #"{"AWS": "arn:aws:iam::\#(home):role/ci"}"#, who: Fixtures.ciSession, expected: .role),
        Row(principal: #"{"AWS": "arn:aws:iam::\#(home):role/deploy"}"#, who: Fixtures.ciSession, expected: .none),
        Row(
            principal: #"{"AWS": "arn:aws:iam::\#(home):role/team/ci"}"#,
            who: .assumedRole(account: home, roleName: "ci", sessionName: "s", rolePath: "/team/"), expected: .role
        ),
        Row(principal: #"{"AWS": "arn:aws:sts::\#(home):assumed-role/ci/build-7"}"#, who: Fixtures.ciSession, expected: .direct),
        Row(
            principal: #"{"AWS": "arn:aws:sts::\#(home):assumed-role/ci/build-7"}"#,
            who: .assumedRole(account: home, roleName: "ci", sessionName: "build-8"), expected: .none
        ),
        Row(principal: #"{"Service": "ec2.amazonaws.com"}"#, who: .service("ec2.amazonaws.com"), expected: .direct),
        Row(principal: #"{"Service": "ec2.amazonaws.com"}"#, who: .service("lambda.amazonaws.com"), expected: .none),
        Row(principal: #"{"AWS": "*"}"#, who: .service("ec2.amazonaws.com"), expected: .none),
        Row(principal: #"{"Federated": "accounts.google.com"}"#, who: .federated(provider: "accounts.google.com"), expected: .direct),
    ]

    @Test(arguments: rows)
    func principalMatching(_ row: Row) throws {
        let statement = try #require(try Fixtures.policy(Fixtures.grant("sts:AssumeRole", to: row.principal), kind: .trust).statements.first)
        guard case .principal(let principal)? = statement.principals else {
            Issue.record("expected a Principal")
            return
        }
        #expect(principal.match(row.who) == row.expected)
    }

    @Test func notPrincipalLeavesASessionOutOnlyWhenSessionRoleAndAccountAreListed() {
        let session = "arn:aws:sts::\(Fixtures.home):assumed-role/ci/build-7"
        let role = "arn:aws:iam::\(Fixtures.home):role/ci"
        let account = "arn:aws:iam::\(Fixtures.home):root"
        func listing(_ aws: [String]) -> PolicyPrincipal {
            PolicyPrincipal(aws: aws, service: [], federated: [], canonicalUser: [])
        }
        #expect(listing([session, role, account]).excludes(Fixtures.ciSession))
        #expect(!listing([session, role]).excludes(Fixtures.ciSession))
        #expect(!listing([role, account]).excludes(Fixtures.ciSession))
        #expect(listing([Fixtures.alice.arn, Fixtures.home]).excludes(Fixtures.alice))
        #expect(!listing([Fixtures.alice.arn]).excludes(Fixtures.alice))
    }

    @Test func principalIdentitiesFromARNs() {
        #expect(PrincipalIdentity(arn: "arn:aws:iam::\(Fixtures.home):user/alice") == Fixtures.alice)
        #expect(PrincipalIdentity(arn: "arn:aws:iam::\(Fixtures.home):user/ops/alice")?.kind == .user(name: "alice"))
        #expect(PrincipalIdentity(arn: "arn:aws:sts::\(Fixtures.home):assumed-role/ci/build-7") == Fixtures.ciSession)
        #expect(PrincipalIdentity(arn: "arn:aws:iam::\(Fixtures.home):root") == .root(account: Fixtures.home))
        #expect(PrincipalIdentity(arn: "arn:aws:iam::\(Fixtures.home):role/ci") == nil)
        #expect(PrincipalIdentity(arn: "arn:aws:iam::12345:user/alice") == nil)
        #expect(Fixtures.ciSession.principalArn == "arn:aws:iam::\(Fixtures.home):role/ci")
    }
}
