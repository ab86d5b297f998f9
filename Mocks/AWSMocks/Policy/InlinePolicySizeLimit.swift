/// IAM's quota on the inline policies of one user, group or role: the sizes of all of them
/// together, white space not counted, may not pass 2,048 (user), 5,120 (group) or 10,240
/// (role) characters. `PutUserPolicy` and friends fail with HTTP 409 `LimitExceeded`.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
public enum InlinePolicySizeLimit {
    public typealias Owner = IAMIdentityKind

    /// Checks putting inline policy `policyName` with `document` on the entity `ownerName`,
    /// which already has `existing` (name → text). A policy of the same name is replaced, so its
    /// old size does not count.
    public static func check(
        putting policyName: String,
        document: PolicyText,
        existing: [String: PolicyText],
        owner: Owner,
        ownerName: String
    ) -> Result<Void, InlinePolicySizeExceeded> {
        let others = existing.filter { $0.key != policyName }.values.reduce(0) { $0 + $1.sizeWithoutWhitespace }
        let total = others + document.sizeWithoutWhitespace
        guard total > owner.inlinePolicyLimit else { return .success(()) }
        return .failure(InlinePolicySizeExceeded(owner: owner, ownerName: ownerName, size: total))
    }
}

/// `LimitExceeded`: the inline policies of one entity would pass the quota.
public struct InlinePolicySizeExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    public let owner: InlinePolicySizeLimit.Owner
    public let ownerName: String
    /// The total the entity's inline policies would have, white space not counted.
    public let size: Int

    /// AWS's text, word for word: `Maximum policy size of 2048 bytes exceeded for user <name>`.
    public var message: String {
        "Maximum policy size of \(owner.inlinePolicyLimit) bytes exceeded for \(owner.rawValue) \(ownerName)"
    }

    public var description: String {
        "LimitExceeded: \(message) (the inline policies would total \(size) characters without white space)"
    }
}

extension IAMIdentityKind {
    /// The inline policy quota in characters, white space not counted.
    public var inlinePolicyLimit: Int {
        switch self {
        case .user: 2048
        case .group: 5120
        case .role: 10240
        }
    }
}
