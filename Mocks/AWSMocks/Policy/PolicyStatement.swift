/// One statement of a policy document.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
public struct PolicyStatement: Sendable, Equatable {
    public enum Effect: String, Sendable, Hashable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// `Action` or `NotAction`: the action patterns as written (matched case-insensitively).
    public enum Actions: Sendable, Equatable {
        case action([String])
        case notAction([String])
    }

    /// `Resource` or `NotResource`: ARN patterns as written (matched case-sensitively).
    public enum Resources: Sendable, Equatable {
        case resource([String])
        case notResource([String])
    }

    /// `Principal` or `NotPrincipal` (resource and trust policies only).
    public enum Principals: Sendable, Equatable {
        case principal(PolicyPrincipal)
        case notPrincipal(PolicyPrincipal)
    }

    public let sid: String?
    public let effect: Effect
    public let actions: Actions
    /// Nil in trust policies, where the role itself is the resource.
    public let resources: Resources?
    /// Nil in identity policies, where the principal is whoever the policy is attached to.
    public let principals: Principals?
    /// All must hold (AND); each holds when one of its values matches (OR).
    public let conditions: [PolicyCondition]

    init(
        sid: String?,
        effect: Effect,
        actions: Actions,
        resources: Resources?,
        principals: Principals?,
        conditions: [PolicyCondition]
    ) {
        self.sid = sid
        self.effect = effect
        self.actions = actions
        self.resources = resources
        self.principals = principals
        self.conditions = conditions
    }
}

extension PolicyStatement {
    func matchesAction(_ action: String) -> Bool {
        switch actions {
        case .action(let patterns):
            return patterns.contains { Wildcard.matchesAction($0, action) }
        case .notAction(let patterns):
            return !patterns.contains { Wildcard.matchesAction($0, action) }
        }
    }

    /// A statement without a resource element (trust policies) covers the resource it is
    /// attached to.
    func matchesResource(_ resource: String, variables: RequestContext?) -> Bool {
        switch resources {
        case nil:
            return true
        case .resource(let patterns):
            return patterns.contains { Wildcard.matchesARN($0, resource, variables: variables) }
        case .notResource(let patterns):
            return !patterns.contains { Wildcard.matchesARN($0, resource, variables: variables) }
        }
    }
}
