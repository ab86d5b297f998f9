/// The outcome of evaluating the policies that apply to a request.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#AccessPolicyLanguage_Interplay
public enum Decision: Sendable, Equatable, CustomStringConvertible {
    case allow
    /// A `Deny` statement applied (its `Sid`, if it has one); nothing overrides it.
    case explicitDeny(sid: String?)
    /// No `Deny` applied, but the allows needed were not all there.
    case implicitDeny(ImplicitDenyReason)

    public var isAllowed: Bool { self == .allow }

    public var description: String {
        switch self {
        case .allow: "allow"
        case .explicitDeny(let sid): "explicit deny" + (sid.map { " by statement \"\($0)\"" } ?? "")
        case .implicitDeny(let reason): "implicit deny: \(reason)"
        }
    }
}

/// Which allow was missing.
public enum ImplicitDenyReason: Sendable, Hashable, CustomStringConvertible {
    /// Nothing allows the request: no identity policy statement, no resource policy statement.
    case noAllow
    /// The principal's identity policies do not allow it, and they must: the request crosses
    /// accounts, or the resource policy grants only to the principal's account.
    case identityPolicy
    /// The resource policy does not allow this principal, and it must: the request crosses
    /// accounts, or the resource is a role (trust policy).
    case resourcePolicy
    /// An allow was found but the principal's permissions boundary does not allow the action.
    case permissionsBoundary

    public var description: String {
        switch self {
        case .noAllow: "no policy allows the action"
        case .identityPolicy: "no identity-based policy allows the action"
        case .resourcePolicy: "the resource-based policy does not allow this principal"
        case .permissionsBoundary: "the permissions boundary does not allow the action"
        }
    }
}
