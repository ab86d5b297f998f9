/// One request to authorize: who, which action, on which resource, with which condition keys.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-reqcontext
public struct AuthorizationRequest: Sendable, Equatable {
    public let principal: PrincipalIdentity
    /// `service:Action`, e.g. `rds-db:connect`; compared without regard to case.
    public let action: String
    /// The resource ARN, e.g. `arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC/alice`.
    public let resource: String
    /// The account that owns the resource: the one in the ARN unless given; the principal's
    /// own when neither says (S3 ARNs carry no account).
    public let resourceAccount: String?
    /// Condition keys and their values (`sts:ExternalId`, `aws:SourceIp`, …). Keys derived
    /// from the principal (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username`,
    /// `aws:PrincipalType`) are added unless given here.
    public let context: [String: [String]]

    public init(
        principal: PrincipalIdentity,
        action: String,
        resource: String,
        resourceAccount: String? = nil,
        context: [String: [String]] = [:]
    ) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount ?? Self.account(inARN: resource)
        self.context = context
    }

    /// Whether the principal and the resource live in different accounts: then both the
    /// principal's identity policies and the resource policy must allow.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
    public var isCrossAccount: Bool {
        guard let principalAccount = principal.account, let resourceAccount else { return false }
        return principalAccount != resourceAccount
    }

    var conditionContext: RequestContext {
        var context = RequestContext(context)
        for (key, values) in principal.contextKeys {
            context.setDefault(key, values)
        }
        return context
    }

    static func account(inARN arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", PrincipalIdentity.isAccountID(parts[4]) else { return nil }
        return String(parts[4])
    }
}
