/// The value of a `Principal` or `NotPrincipal` element.
///
/// `"*"` is everyone; otherwise a map of principal types to values. Each `AWS` value is `*`, an
/// account (`123456789012` or `arn:aws:iam::123456789012:root`, which mean the same: the
/// account, not only its root user), or the ARN of a user, role, role session or federated
/// user. Wildcards inside a value are not allowed.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
public struct PolicyPrincipal: Sendable, Equatable {
    /// `"Principal": "*"`.
    public static let anyone = Self(isAnyone: true, aws: [], service: [], federated: [], canonicalUser: [])

    public let isAnyone: Bool
    public let aws: [String]
    public let service: [String]
    public let federated: [String]
    /// Accepted for S3 bucket policies; never matches a principal here.
    public let canonicalUser: [String]

    init(isAnyone: Bool = false, aws: [String], service: [String], federated: [String], canonicalUser: [String]) {
        self.isAnyone = isAnyone
        self.aws = aws
        self.service = service
        self.federated = federated
        self.canonicalUser = canonicalUser
    }
}

/// How a `Principal` element names the caller. The evaluation logic depends on it: a grant to
/// the account only delegates to the account's own policies, a grant to the role is still
/// limited by the role's permissions boundary, a grant to the user or session itself is not.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
enum PrincipalMatch: Int, Sendable, Comparable {
    case none
    /// The caller's account (`123456789012`, `arn:aws:iam::123456789012:root`).
    case account
    /// The role whose session the caller is (`arn:aws:iam::123456789012:role/R`).
    case role
    /// The caller itself: its user, session or federated-user ARN, its service or identity
    /// provider, or `*`.
    case direct

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension PolicyPrincipal {
    /// The closest way this element names `who`.
    func match(_ who: PrincipalIdentity) -> PrincipalMatch {
        if isAnyone { return .direct }
        switch who.kind {
        case .service:
            return service.contains { $0.lowercased() == who.arn.lowercased() } ? .direct : .none
        case .federated:
            return federated.contains(who.arn) ? .direct : .none
        case .root, .user, .assumedRole, .federatedUser:
            return aws.map { Self.match(value: $0, who) }.max() ?? .none
        }
    }

    private static func match(value: String, _ who: PrincipalIdentity) -> PrincipalMatch {
        if value == "*" || value == who.arn { return .direct }
        if let account = accountNamed(by: value) {
            return account == who.account ? .account : .none
        }
        if case .assumedRole(let roleArn, _) = who.kind, value == roleArn {
            return .role
        }
        return .none
    }

    /// Whether a `NotPrincipal` element leaves `who` out. AWS checks every identity a request
    /// carries (session, role, account), so a session is left out only when all of them are
    /// listed; that is why the docs ask a `NotPrincipal` to name the account too.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    func excludes(_ who: PrincipalIdentity) -> Bool {
        if isAnyone { return true }
        switch who.kind {
        case .service, .federated:
            return match(who) == .direct
        case .root, .user, .federatedUser, .assumedRole:
            if aws.contains("*") { return true }
            let accountListed = aws.contains { Self.accountNamed(by: $0) == who.account }
            switch who.kind {
            case .root:
                return accountListed
            case .assumedRole(let roleArn, _):
                return accountListed && aws.contains(roleArn) && aws.contains(who.arn)
            default:
                return accountListed && aws.contains(who.arn)
            }
        }
    }

    /// The account a value names: a bare 12-digit ID or an account root ARN.
    static func accountNamed(by value: String) -> String? {
        if PrincipalIdentity.isAccountID(value[...]) { return value }
        guard let identity = PrincipalIdentity(arn: value), identity.kind == .root else { return nil }
        return identity.account
    }
}
