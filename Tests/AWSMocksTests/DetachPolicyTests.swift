import Testing
@testable import AWSMocks

/// Taking a policy away mid-run (a scenario's `detach_policy`): the next authorization sees it.
@Suite("Detaching policies")
struct DetachPolicyTests {
    static let resource = "arn:aws:rds-db:us-east-1:111111111111:dbuser:db-ABC/alice"
    static let connect = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","Resource":"*"}]}"#
    static let managedARN = "arn:aws:iam::111111111111:policy/connect-everything"

    static func world() -> MockAWSWorld {
        var iam = MockAWSWorld.IAMState()
        let alice = MockUser(
            name: "alice", accountID: "111111111111", accessKeys: [MockAccessKey(id: "AKIAALICEEXAMPLE", secret: "s")],
            inlinePolicies: ["connect-mydb": connect]
        )
        let bob = MockUser(
            name: "bob", accountID: "111111111111", accessKeys: [MockAccessKey(id: "AKIABOBEXAMPLE", secret: "s")],
            attachedPolicyARNs: [managedARN]
        )
        iam.users[alice.arn] = alice
        iam.users[bob.arn] = bob
        iam.managedPolicies[managedARN] = MockManagedPolicy(arn: managedARN, document: connect)
        return MockAWSWorld(iam: iam)
    }

    @Test func detachingAnInlinePolicyDeletesItAndTheNextSignInIsRefused() throws {
        let world = Self.world()
        #expect(world.mayConnect(accessKeyID: "AKIAALICEEXAMPLE", resourceARN: Self.resource))
        try world.detachPolicy("connect-mydb", from: .user, named: "alice")
        #expect(world.user(named: "alice")?.inlinePolicies.isEmpty == true)
        #expect(!world.mayConnect(accessKeyID: "AKIAALICEEXAMPLE", resourceARN: Self.resource))
    }

    @Test(arguments: ["connect-everything", managedARN])
    func detachingAManagedPolicyByNameOrARNRemovesTheAttachment(policy: String) throws {
        let world = Self.world()
        #expect(world.mayConnect(accessKeyID: "AKIABOBEXAMPLE", resourceARN: Self.resource))
        try world.detachPolicy(policy, from: .user, named: "bob")
        #expect(world.user(named: "bob")?.attachedPolicyARNs.isEmpty == true)
        #expect(!world.mayConnect(accessKeyID: "AKIABOBEXAMPLE", resourceARN: Self.resource))
        // The managed policy itself stays; only the attachment goes.
        #expect(world.withIAM { $0.managedPolicies[Self.managedARN] } != nil)
    }

    @Test func aPolicyThatIsNotThereIsAnErrorListingWhatIs() {
        #expect(throws: IAMChangeError(description: "user alice has no policy connect-other; it has: connect-mydb")) {
            try Self.world().detachPolicy("connect-other", from: .user, named: "alice")
        }
        #expect(throws: IAMChangeError(description: "there is no role named alice")) {
            try Self.world().detachPolicy("connect-mydb", from: .role, named: "alice")
        }
    }
}
