import Testing

@testable import AWSMocks

@Suite struct AssumeRoleAuthorizationTests {
    typealias F = Fixtures

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// Trust policy statements.
        let trust: [String]
        var caller: PrincipalIdentity = Fixtures.alice
        var identity: [String] = []
        var boundary: [String]? = nil
        var externalID: String? = nil
        var sessionName = "session-1"
        var sourceIdentity: String? = nil
        /// nil: allowed.
        let denied: AssumeRoleDenial.Code?
        var testDescription: String { name }
    }

    static let home = F.home
    static let role = F.adminRole
    static let trustAlice = F.grant("sts:AssumeRole", to: #"{"AWS": "arn:aws:iam::\#(home):user/alice"}"#)
    static let trustHomeRoot = F.grant("sts:AssumeRole", to: #"{"AWS": "arn:aws:iam::\#(home):root"}"#)
    static let trustHomeID = F.grant("sts:AssumeRole", to: #"{"AWS": "\#(home)"}"#)
    static let trustOther = F.grant("sts:AssumeRole", to: #"{"AWS": "\#(F.other)"}"#)
    static let trustBob = F.grant("sts:AssumeRole", to: #"{"AWS": "arn:aws:iam::\#(F.other):user/bob"}"#)
    static let trustCIRole = F.grant("sts:AssumeRole", to: #"{"AWS": "arn:aws:iam::\#(home):role/ci"}"#)
    static let mayAssume = F.allow("sts:AssumeRole", on: role)
    static let withExternalID =
        #"{"Effect": "Allow", "Principal": {"AWS": "\#(F.other)"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "s3cret-42"}}}"#

    static let cases: [Case] = [
        Case(name: "trust names the user: no identity policy needed in the same account", trust: [trustAlice], denied: nil),
        Case(name: "trust names the account root: identity policy needed", trust: [trustHomeRoot], denied: .identityPolicy),
        Case(name: "trust names the account root and the identity policy allows", trust: [trustHomeRoot], identity: [mayAssume], denied: nil),
        Case(name: "a bare account ID is the account", trust: [trustHomeID], identity: [mayAssume], denied: nil),
        Case(name: "trust names the account, identity allows another role", trust: [trustHomeRoot], identity: [F.allow("sts:AssumeRole", on: "arn:aws:iam::\(home):role/other")], denied: .identityPolicy),
        Case(name: "identity allows but the trust names someone else", trust: [trustBob], identity: [mayAssume], denied: .notTrusted),
        Case(name: "no trust statement for the caller and no identity policy", trust: [trustBob], denied: .notTrusted),
        Case(name: "cross-account without identity policy", trust: [trustOther], caller: F.bob, denied: .identityPolicy),
        Case(name: "cross-account naming the user, without identity policy", trust: [trustBob], caller: F.bob, denied: .identityPolicy),
        Case(name: "cross-account with identity policy", trust: [trustBob], caller: F.bob, identity: [mayAssume], denied: nil),
        Case(name: "cross-account, identity policy but trust for another account", trust: [trustHomeRoot], caller: F.bob, identity: [mayAssume], denied: .notTrusted),
        Case(name: "boundary without sts:AssumeRole", trust: [trustHomeRoot], identity: [mayAssume], boundary: [F.allow("rds-db:connect")], denied: .permissionsBoundary),
        Case(name: "boundary with sts:AssumeRole", trust: [trustHomeRoot], identity: [mayAssume], boundary: [F.allow("sts:AssumeRole")], denied: nil),
        Case(name: "cross-account boundary without sts:AssumeRole", trust: [trustBob], caller: F.bob, identity: [mayAssume], boundary: [F.allow("s3:*")], denied: .permissionsBoundary),
        Case(name: "role chaining: trust names the caller's role", trust: [trustCIRole], caller: F.ciSession, denied: nil),
        Case(name: "role chaining is limited by the role's boundary", trust: [trustCIRole], caller: F.ciSession, boundary: [F.allow("s3:*")], denied: .permissionsBoundary),
        // AWS: a resource policy granting the user ARN itself is not limited by an implicit
        // deny in the user's boundary (only an explicit Deny stops it).
        Case(name: "trust names the user: boundary does not limit", trust: [trustAlice], boundary: [F.allow("s3:*")], denied: nil),
        Case(name: "trust names the user: a Deny in the boundary does", trust: [trustAlice], boundary: [F.allow("*"), F.deny("sts:*", sid: "NoRoles")], denied: .explicitDeny),
        Case(name: "a Deny in the identity policy wins over the trust", trust: [trustAlice], identity: [F.deny("sts:AssumeRole", sid: "NoRoles")], denied: .explicitDeny),
        Case(
            name: "a Deny in the trust policy",
            trust: [trustAlice, #"{"Sid": "NamedSessions", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringNotLike": {"sts:RoleSessionName": "${aws:username}"}}}"#],
            denied: .explicitDeny
        ),
        Case(name: "external ID right", trust: [withExternalID], caller: F.bob, identity: [mayAssume], externalID: "s3cret-42", denied: nil),
        Case(name: "external ID wrong", trust: [withExternalID], caller: F.bob, identity: [mayAssume], externalID: "guess", denied: .notTrusted),
        Case(name: "external ID missing", trust: [withExternalID], caller: F.bob, identity: [mayAssume], denied: .notTrusted),
        Case(
            name: "session name must be the user name: right",
            trust: [#"{"Effect": "Allow", "Principal": {"AWS": "\#(home)"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}}"#],
            identity: [mayAssume], sessionName: "alice", denied: nil
        ),
        Case(
            name: "session name must be the user name: wrong",
            trust: [#"{"Effect": "Allow", "Principal": {"AWS": "\#(home)"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}}"#],
            identity: [mayAssume], sessionName: "mallory", denied: .notTrusted
        ),
        Case(name: "service principal", trust: [F.grant("sts:AssumeRole", to: #"{"Service": "ec2.amazonaws.com"}"#)], caller: .service("ec2.amazonaws.com"), denied: nil),
        Case(name: "another service", trust: [F.grant("sts:AssumeRole", to: #"{"Service": "ec2.amazonaws.com"}"#)], caller: .service("lambda.amazonaws.com"), denied: .notTrusted),
        Case(name: "the root user cannot assume roles", trust: [trustHomeRoot], caller: .root(account: home), denied: .rootCaller),
        Case(name: "source identity without sts:SetSourceIdentity", trust: [trustAlice], sourceIdentity: "alice", denied: .notTrusted),
        Case(
            name: "source identity allowed",
            trust: [#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::\#(home):user/alice"}, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}"#],
            sourceIdentity: "alice", denied: nil
        ),
    ]

    @Test(arguments: cases)
    func assumeRole(_ entry: Case) throws {
        let result = try decide(entry)
        switch (result, entry.denied) {
        case (.success, nil):
            break
        case (.success, let code?):
            Issue.record("allowed, expected \(code)")
        case (.failure(let denial), nil):
            Issue.record("denied: \(denial)")
        case (.failure(let denial), let code?):
            #expect(denial.code == code, "\(denial)")
        }
    }

    private func decide(_ entry: Case) throws -> Result<Void, AssumeRoleDenial> {
        let trust = try PolicyDocument(json: #"{"Version": "2012-10-17", "Statement": [\#(entry.trust.joined(separator: ","))]}"#, kind: .trust)
        let boundary = try entry.boundary.map { try F.policy($0.joined(separator: ",")) }
        let caller = Principal(identity: entry.caller, identityPolicies: try entry.identity.map { try F.policy($0) }, permissionsBoundary: boundary)
        return AssumeRoleAuthorization.decide(
            caller: caller,
            role: .init(arn: Self.role, trustPolicy: trust),
            externalID: entry.externalID,
            sessionName: entry.sessionName,
            sourceIdentity: entry.sourceIdentity
        )
    }

    private func denial(_ entry: Case) throws -> AssumeRoleDenial? {
        guard case .failure(let denial) = try decide(entry) else { return nil }
        return denial
    }

    @Test func crossAccountDenialHasAWSsExactMessage() throws {
        let denial = try #require(try denial(Case(name: "", trust: [Self.trustOther], caller: F.bob, denied: .identityPolicy)))
        #expect(
            denial.message
                == "User: arn:aws:iam::444455556666:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/db-admin"
        )
        #expect(denial.description.hasPrefix("AccessDenied: User: arn:aws:iam::444455556666:user/bob"))
    }

    @Test func anAssumedRoleCallerIsNamedByItsSessionARN() throws {
        let denial = try #require(try denial(Case(name: "", trust: [Self.trustAlice], caller: F.ciSession, denied: .notTrusted)))
        #expect(
            denial.message
                == "User: arn:aws:sts::111122223333:assumed-role/ci/build-7 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/db-admin"
        )
    }

    @Test func aRefusedSourceIdentityNamesSetSourceIdentity() throws {
        let denial = try #require(try denial(Case(name: "", trust: [Self.trustAlice], sourceIdentity: "alice", denied: .notTrusted)))
        #expect(denial.action == "sts:SetSourceIdentity")
        #expect(denial.message.hasSuffix("is not authorized to perform: sts:SetSourceIdentity on resource: \(Self.role)"))
    }

    @Test func theRootUsersMessage() throws {
        let denial = try #require(try denial(Case(name: "", trust: [Self.trustHomeRoot], caller: .root(account: Self.home), denied: .rootCaller)))
        #expect(denial.message == "Roles may not be assumed by root accounts.")
    }

    @Test func messageBuilder() {
        #expect(
            AssumeRoleDenial.message(callerArn: "arn:aws:iam::123456789012:user/u", resource: "arn:aws:iam::123456789012:role/r")
                == "User: arn:aws:iam::123456789012:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/r"
        )
    }
}
