/// What one policy document says about one request.
struct DocumentEvaluation: Sendable, Equatable {
    /// The first `Deny` statement that applies, if any.
    var deny: PolicyStatement?
    /// How closely the strongest applying `Allow` names the principal; `.none` when no
    /// `Allow` applies. Identity policies and boundaries name nobody: an applying `Allow`
    /// there counts as `.direct`.
    var allow: PrincipalMatch = .none

    init(_ document: PolicyDocument, _ request: AuthorizationRequest, _ context: RequestContext) {
        let variables = document.usesVariables ? context : nil
        for statement in document.statements {
            guard statement.matchesAction(request.action),
                statement.matchesResource(request.resource, variables: variables)
            else { continue }
            let named = Self.principalMatch(statement, request.principal)
            guard named != .none,
                statement.conditions.allSatisfy({ $0.holds(in: context, variables: variables) })
            else { continue }
            switch statement.effect {
            case .deny:
                if deny == nil { deny = statement }
            case .allow:
                allow = max(allow, named)
            }
        }
    }

    private static func principalMatch(_ statement: PolicyStatement, _ who: PrincipalIdentity) -> PrincipalMatch {
        switch statement.principals {
        case nil:
            return .direct
        case .principal(let principal):
            return principal.match(who)
        case .notPrincipal(let principal):
            // AWS advises against Allow with NotPrincipal; such a grant is treated as one to
            // the account, so it never stands without an identity policy.
            return principal.excludes(who) ? .none : .account
        }
    }
}

extension Array where Element == PolicyDocument {
    func evaluate(_ request: AuthorizationRequest, _ context: RequestContext) -> DocumentEvaluation? {
        var combined: DocumentEvaluation?
        for document in self {
            let one = DocumentEvaluation(document, request, context)
            if combined == nil {
                combined = one
            } else {
                if combined!.deny == nil { combined!.deny = one.deny }
                combined!.allow = Swift.max(combined!.allow, one.allow)
            }
        }
        return combined
    }
}
