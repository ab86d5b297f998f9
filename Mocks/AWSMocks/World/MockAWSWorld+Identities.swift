import Foundation

/// The IAM identities that hold policies.
public enum IAMIdentityKind: String, Sendable, Hashable, CaseIterable {
    case user
    case group
    case role
}

/// A change to the mock IAM that could not be made (the identity or the policy is not there).
public struct IAMChangeError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension MockAWSWorld.IAMState {
    /// The inline policies (name → JSON) of the identity at `arn`; nil when there is no such identity.
    public func inlinePolicies(of kind: IAMIdentityKind, arn: String) -> [String: String]? {
        switch kind {
        case .user: users[arn]?.inlinePolicies
        case .role: roles[arn]?.inlinePolicies
        case .group: groups[arn]?.inlinePolicies
        }
    }

    /// Puts (or, with nil, deletes) an inline policy; false when there is no such identity.
    @discardableResult
    public mutating func setInlinePolicy(_ name: String, document: String?, of kind: IAMIdentityKind, arn: String) -> Bool {
        switch kind {
        case .user: guard users[arn] != nil else { return false }; users[arn]!.inlinePolicies[name] = document
        case .role: guard roles[arn] != nil else { return false }; roles[arn]!.inlinePolicies[name] = document
        case .group: guard groups[arn] != nil else { return false }; groups[arn]!.inlinePolicies[name] = document
        }
        return true
    }

    /// Runs `body` on the identity's attached managed policy ARNs; nil when there is no such identity.
    public mutating func updateAttachedPolicies<Result>(
        of kind: IAMIdentityKind, arn: String, _ body: (inout [String]) -> Result
    ) -> Result? {
        switch kind {
        case .user: users[arn] == nil ? nil : body(&users[arn]!.attachedPolicyARNs)
        case .role: roles[arn] == nil ? nil : body(&roles[arn]!.attachedPolicyARNs)
        case .group: groups[arn] == nil ? nil : body(&groups[arn]!.attachedPolicyARNs)
        }
    }

    /// The ARN of the first identity of that kind and name (any account).
    public func identityARN(_ kind: IAMIdentityKind, named name: String) -> String? {
        let arns: [String] = switch kind {
        case .user: users.values.filter { $0.name == name }.map(\.arn)
        case .role: roles.values.filter { $0.name == name }.map(\.arn)
        case .group: groups.values.filter { $0.name == name }.map(\.arn)
        }
        return arns.sorted().first
    }
}

extension MockAWSWorld {
    /// Takes `policy` away from an identity, as an administrator would: an inline policy of that
    /// name is deleted, else an attached managed policy with that name or ARN is detached.
    public func detachPolicy(_ policy: String, from kind: IAMIdentityKind, named name: String) throws(IAMChangeError) {
        let outcome: Result<Void, IAMChangeError> = withIAM { state in
            guard let arn = state.identityARN(kind, named: name) else {
                return .failure(IAMChangeError(description: "there is no \(kind.rawValue) named \(name)"))
            }
            let inline = state.inlinePolicies(of: kind, arn: arn) ?? [:]
            if inline[policy] != nil {
                state.setInlinePolicy(policy, document: nil, of: kind, arn: arn)
                return .success(())
            }
            let detached = state.updateAttachedPolicies(of: kind, arn: arn) { attached -> [String] in
                let matching = attached.filter { $0 == policy || $0.hasSuffix("/" + policy) }
                attached.removeAll { matching.contains($0) }
                return matching
            } ?? []
            guard detached.isEmpty else { return .success(()) }
            let held = inline.keys.sorted() + (state.updateAttachedPolicies(of: kind, arn: arn) { $0 } ?? [])
            return .failure(IAMChangeError(
                description: "\(kind.rawValue) \(name) has no policy \(policy); it has: \(held.isEmpty ? "none" : held.joined(separator: ", "))"
            ))
        }
        try outcome.get()
    }
}
