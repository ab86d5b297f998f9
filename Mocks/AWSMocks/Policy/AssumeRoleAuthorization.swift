/// The authorization half of STS `AssumeRole`, for the mock STS.
///
/// Allowed when no `Deny` applies, the role's trust policy allows the caller (by its user,
/// role or session ARN, its account, or its service, with conditions such as
/// `sts:ExternalId`), and — when the trust policy names only the caller's account, or the
/// caller is in another account — the caller's identity policies allow `sts:AssumeRole` on the
/// role. The caller's permissions boundary limits every grant except one the trust policy makes
/// to the user or session ARN itself, as AWS documents for resource-based policies.
/// A `SourceIdentity` needs `sts:SetSourceIdentity` allowed the same way.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
public enum AssumeRoleAuthorization {
    /// The role to assume.
    public struct Role: Sendable, Equatable {
        public let arn: String
        public let account: String
        public let trustPolicy: PolicyDocument

        /// `account` defaults to the one in `arn`.
        public init(arn: String, trustPolicy: PolicyDocument, account: String? = nil) {
            self.arn = arn
            self.trustPolicy = trustPolicy
            self.account = account ?? AuthorizationRequest.account(inARN: arn) ?? ""
        }
    }

    /// `context` adds condition keys of the call (`aws:SourceIp`, `aws:MultiFactorAuthPresent`,
    /// …); `sts:RoleSessionName`, `sts:ExternalId` and `sts:SourceIdentity` come from the
    /// parameters.
    public static func decide(
        caller: Principal,
        role: Role,
        externalID: String?,
        sessionName: String,
        sourceIdentity: String? = nil,
        context: [String: [String]] = [:]
    ) -> Result<Void, AssumeRoleDenial> {
        if caller.identity.kind == .root {
            return .failure(
                AssumeRoleDenial(
                    code: .rootCaller, action: "sts:AssumeRole", callerArn: caller.arn, roleArn: role.arn,
                    detail: "AssumeRole needs IAM user or role credentials"
                )
            )
        }
        var keys = context
        keys["sts:RoleSessionName"] = [sessionName]
        if let externalID { keys["sts:ExternalId"] = [externalID] }
        if let sourceIdentity { keys["sts:SourceIdentity"] = [sourceIdentity] }

        let actions = ["sts:AssumeRole"] + (sourceIdentity == nil ? [] : ["sts:SetSourceIdentity"])
        for action in actions {
            let request = AuthorizationRequest(
                principal: caller.identity, action: action, resource: role.arn, resourceAccount: role.account, context: keys
            )
            let decision = PolicyEvaluator.evaluate(
                request: request,
                identityPolicies: caller.identityPolicies,
                resourcePolicy: role.trustPolicy,
                permissionsBoundary: caller.permissionsBoundary,
                resourcePolicyRequired: true
            )
            if let denial = denial(decision, request: request) {
                return .failure(denial)
            }
        }
        return .success(())
    }

    private static func denial(_ decision: Decision, request: AuthorizationRequest) -> AssumeRoleDenial? {
        let code: AssumeRoleDenial.Code
        let detail: String
        switch decision {
        case .allow:
            return nil
        case .explicitDeny(let sid):
            code = .explicitDeny
            detail = "a Deny statement applies" + (sid.map { " (Sid \"\($0)\")" } ?? "")
        case .implicitDeny(.resourcePolicy):
            code = .notTrusted
            detail = "the role's trust policy does not allow this caller \(request.action)"
                + (request.isCrossAccount ? " from account \(request.principal.account ?? "?")" : "")
        case .implicitDeny(.identityPolicy), .implicitDeny(.noAllow):
            code = .identityPolicy
            detail = "no identity-based policy of the caller allows \(request.action) on the role"
                + (request.isCrossAccount ? " (needed across accounts)" : " (needed: the trust policy names only the account)")
        case .implicitDeny(.permissionsBoundary):
            code = .permissionsBoundary
            detail = "the caller's permissions boundary does not allow \(request.action) on the role"
        }
        return AssumeRoleDenial(
            code: code, action: request.action, callerArn: request.principal.arn, roleArn: request.resource, detail: detail
        )
    }
}
