/// The IAM side of the world: a caller's effective policies, evaluated by the policy engine.
extension MockAWSWorld {
    /// The caller as the policy engine sees it: identity, identity policies (inline, its groups',
    /// attached managed), permissions boundary. Documents that do not parse are skipped: IAM
    /// refuses them at Put time, and the lab file is checked when loaded.
    public func policyPrincipal(_ caller: MockPrincipal) -> Principal {
        withIAM { state in
            var documents: [String] = []
            var boundaryARN: String?
            let identity: PrincipalIdentity
            switch caller {
            case .user(let user):
                let current = state.users[user.arn] ?? user
                documents += current.inlinePolicies.values
                documents += current.attachedPolicyARNs.compactMap { state.managedPolicies[$0]?.document }
                for groupName in current.groups {
                    guard let group = state.groups["arn:aws:iam::\(current.accountID):group/\(groupName)"] else { continue }
                    documents += group.inlinePolicies.values
                    documents += group.attachedPolicyARNs.compactMap { state.managedPolicies[$0]?.document }
                }
                boundaryARN = current.permissionsBoundaryARN
                identity = .user(account: current.accountID, name: current.name)
            case .session(let session):
                if let role = state.roles[session.roleARN] {
                    documents += role.inlinePolicies.values
                    documents += role.attachedPolicyARNs.compactMap { state.managedPolicies[$0]?.document }
                    boundaryARN = role.permissionsBoundaryARN
                }
                let roleName = session.roleARN.split(separator: "/").last.map(String.init) ?? session.roleARN
                identity = .assumedRole(account: session.accountID, roleName: roleName, sessionName: session.sessionName)
            }
            let policies = documents.compactMap { try? PolicyDocument(json: $0, kind: .identity) }
            let boundary = boundaryARN.flatMap { state.managedPolicies[$0]?.document }.flatMap { try? PolicyDocument(json: $0, kind: .identity) }
            return Principal(identity: identity, identityPolicies: policies, permissionsBoundary: boundary)
        }
    }

    /// Whether the caller's identity policies (and boundary) allow the call.
    func isAllowed(_ caller: MockPrincipal, action: String, resource: String, context: [String: [String]]) -> Bool {
        let principal = policyPrincipal(caller)
        let request = AuthorizationRequest(principal: principal.identity, action: action, resource: resource, context: context)
        return PolicyEvaluator.evaluate(
            request: request, identityPolicies: principal.identityPolicies, resourcePolicy: nil,
            permissionsBoundary: principal.permissionsBoundary
        ).isAllowed
    }

    /// `rds-db:connect` for the signer of an IAM token, as RDS asks IAM when a token arrives.
    public func mayConnect(accessKeyID: String, resourceARN: String) -> Bool {
        switch keyOwner(accessKeyID) {
        case .user(let user, _): isAllowed(.user(user), action: "rds-db:connect", resource: resourceARN, context: [:])
        case .session(let session): session.expiration > now && isAllowed(.session(session), action: "rds-db:connect", resource: resourceARN, context: [:])
        case .inactiveKey, nil: false
        }
    }
}
