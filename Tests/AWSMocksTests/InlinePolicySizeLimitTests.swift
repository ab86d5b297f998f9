import Testing

@testable import AWSMocks

@Suite struct InlinePolicySizeLimitTests {
    /// A valid policy of exactly `size` characters without white space, with `padding`
    /// white space characters spread in (spaces, newlines, tabs).
    static func policy(size: Int, padding: Int = 0) -> PolicyText {
        let head = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"#
        let tail = #""}}"#
        let filler = String(repeating: "a", count: size - head.count - tail.count)
        let whitespace = String(repeating: " \n\t", count: padding / 3 + 1).prefix(padding)
        return PolicyText(head + filler + tail + whitespace)
    }

    @Test func theFixtureHasTheSizeAsked() {
        #expect(Self.policy(size: 2048).sizeWithoutWhitespace == 2048)
        #expect(Self.policy(size: 300, padding: 500).sizeWithoutWhitespace == 300)
        #expect(Self.policy(size: 300, padding: 500).json.count == 800)
    }

    @Test(arguments: InlinePolicySizeLimit.Owner.allCases)
    func exactlyTheLimitIsAllowed(_ owner: InlinePolicySizeLimit.Owner) {
        let result = InlinePolicySizeLimit.check(
            putting: "p", document: Self.policy(size: owner.inlinePolicyLimit), existing: [:], owner: owner, ownerName: "x"
        )
        #expect((try? result.get()) != nil)
    }

    @Test(arguments: [
        (InlinePolicySizeLimit.Owner.user, "Maximum policy size of 2048 bytes exceeded for user alice"),
        (.group, "Maximum policy size of 5120 bytes exceeded for group alice"),
        (.role, "Maximum policy size of 10240 bytes exceeded for role alice"),
    ])
    func oneOverTheLimitFailsWithAWSsMessage(_ owner: InlinePolicySizeLimit.Owner, _ message: String) {
        let result = InlinePolicySizeLimit.check(
            putting: "p", document: Self.policy(size: owner.inlinePolicyLimit + 1), existing: [:], owner: owner, ownerName: "alice"
        )
        guard case .failure(let error) = result else {
            Issue.record("expected LimitExceeded")
            return
        }
        #expect(error.message == message)
        #expect(error.size == owner.inlinePolicyLimit + 1)
    }

    @Test func whiteSpaceIsNotCounted() {
        let result = InlinePolicySizeLimit.check(
            putting: "p", document: Self.policy(size: 2048, padding: 3000), existing: [:], owner: .user, ownerName: "alice"
        )
        #expect((try? result.get()) != nil)
    }

    @Test func allInlinePoliciesOfTheEntityCount() {
        let existing = ["a": Self.policy(size: 1000), "b": Self.policy(size: 500)]
        let fits = InlinePolicySizeLimit.check(
            putting: "c", document: Self.policy(size: 548), existing: existing, owner: .user, ownerName: "alice"
        )
        #expect((try? fits.get()) != nil)
        let over = InlinePolicySizeLimit.check(
            putting: "c", document: Self.policy(size: 549), existing: existing, owner: .user, ownerName: "alice"
        )
        guard case .failure(let error) = over else {
            Issue.record("expected LimitExceeded")
            return
        }
        #expect(error.message == "Maximum policy size of 2048 bytes exceeded for user alice")
        #expect(error.size == 2049)
    }

    @Test func aSameNamedPolicyIsReplacedNotAdded() {
        let existing = ["db-access": Self.policy(size: 2000)]
        let replaced = InlinePolicySizeLimit.check(
            putting: "db-access", document: Self.policy(size: 2048), existing: existing, owner: .user, ownerName: "alice"
        )
        #expect((try? replaced.get()) != nil)
        let added = InlinePolicySizeLimit.check(
            putting: "other", document: Self.policy(size: 200), existing: existing, owner: .user, ownerName: "alice"
        )
        #expect((try? added.get()) == nil)
    }
}
