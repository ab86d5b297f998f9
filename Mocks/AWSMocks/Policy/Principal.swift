/// A principal together with the policies IAM holds for it: what the evaluator needs to know
/// about a caller. For a role session, the identity policies and boundary are the role's.
public struct Principal: Sendable, Equatable {
    public let identity: PrincipalIdentity
    /// Inline and attached managed policies, group policies included (for a user).
    public let identityPolicies: [PolicyDocument]
    public let permissionsBoundary: PolicyDocument?

    public init(identity: PrincipalIdentity, identityPolicies: [PolicyDocument] = [], permissionsBoundary: PolicyDocument? = nil) {
        self.identity = identity
        self.identityPolicies = identityPolicies
        self.permissionsBoundary = permissionsBoundary
    }

    public var arn: String { identity.arn }
    public var account: String? { identity.account }
}
