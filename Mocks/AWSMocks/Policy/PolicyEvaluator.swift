/// Decides a request from the policies that apply to it, following AWS's documented logic
/// (without SCPs, RCPs and session policies):
///
/// 1. A `Deny` that applies in any policy — identity, resource, boundary — decides: explicit deny.
/// 2. Across accounts, the resource policy must allow the principal *and* the principal's
///    identity policies must allow the action (and its boundary, if any).
/// 3. Within one account, either suffices, with the boundary's limits depending on how the
///    resource policy names the principal: a grant to the user or session itself is not
///    limited by the boundary, a grant to the role is, a grant to the account only delegates to
///    the identity policies.
/// 4. The root user may do anything in its own account that no `Deny` forbids.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
public enum PolicyEvaluator {
    public static func evaluate(
        request: AuthorizationRequest,
        identityPolicies: [PolicyDocument],
        resourcePolicy: PolicyDocument?,
        permissionsBoundary: PolicyDocument?
    ) -> Decision {
        evaluate(
            request: request,
            identityPolicies: identityPolicies,
            resourcePolicy: resourcePolicy,
            permissionsBoundary: permissionsBoundary,
            resourcePolicyRequired: false
        )
    }

    /// `resourcePolicyRequired`: the resource policy must allow even within one account, as
    /// for role trust policies (and KMS key policies).
    static func evaluate(
        request: AuthorizationRequest,
        identityPolicies: [PolicyDocument],
        resourcePolicy: PolicyDocument?,
        permissionsBoundary: PolicyDocument?,
        resourcePolicyRequired: Bool
    ) -> Decision {
        let context = request.conditionContext
        let identity = identityPolicies.evaluate(request, context)
        let resource = resourcePolicy.map { DocumentEvaluation($0, request, context) }
        let boundary = permissionsBoundary.map { DocumentEvaluation($0, request, context) }

        for evaluation in [identity, resource, boundary] {
            if let deny = evaluation?.deny {
                return .explicitDeny(sid: deny.sid)
            }
        }
        let isRoot = request.principal.kind == .root
        let identityAllows = isRoot || (identity?.allow ?? .none) != .none
        let boundaryAllows = boundary.map { $0.allow != .none } ?? true
        let named = resource?.allow ?? .none

        if request.isCrossAccount {
            guard named != .none else { return .implicitDeny(.resourcePolicy) }
            guard identityAllows else { return .implicitDeny(.identityPolicy) }
            return boundaryAllows ? .allow : .implicitDeny(.permissionsBoundary)
        }
        if isRoot, !resourcePolicyRequired || named != .none {
            return .allow
        }
        switch named {
        case .direct:
            return .allow
        case .role:
            return boundaryAllows ? .allow : .implicitDeny(.permissionsBoundary)
        case .account:
            guard identityAllows else { return .implicitDeny(.identityPolicy) }
            return boundaryAllows ? .allow : .implicitDeny(.permissionsBoundary)
        case .none:
            if resourcePolicyRequired { return .implicitDeny(.resourcePolicy) }
            guard identityAllows else { return .implicitDeny(.noAllow) }
            return boundaryAllows ? .allow : .implicitDeny(.permissionsBoundary)
        }
    }
}
