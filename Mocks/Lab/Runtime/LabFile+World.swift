import AWSMocks

extension LabFile {
    /// The IAM world this lab describes.
    public func makeWorld(oidcProvider: MockOIDCProvider? = nil) -> MockAWSWorld {
        var iam = MockAWSWorld.IAMState()
        for account in accounts {
            for (name, document) in account.managedPolicies {
                let arn = "arn:aws:iam::\(account.id):policy/\(name)"
                iam.managedPolicies[arn] = MockManagedPolicy(arn: arn, document: document)
            }
            for user in account.users {
                let entity = MockUser(
                    name: user.name, accountID: account.id,
                    accessKeys: user.accessKeys.map { MockAccessKey(id: $0.id, secret: $0.secret) },
                    inlinePolicies: user.policies, attachedPolicyARNs: user.managedPolicies, groups: user.groups,
                    permissionsBoundaryARN: user.permissionsBoundary
                )
                iam.users[entity.arn] = entity
            }
            for role in account.roles {
                let entity = MockRole(
                    name: role.name, accountID: account.id, trustPolicy: role.trust, inlinePolicies: role.policies,
                    attachedPolicyARNs: role.managedPolicies, permissionsBoundaryARN: role.permissionsBoundary,
                    maxSessionDuration: role.maxSessionDuration
                )
                iam.roles[entity.arn] = entity
            }
            for group in account.groups {
                let entity = MockGroup(name: group.name, accountID: account.id, inlinePolicies: group.policies, attachedPolicyARNs: group.managedPolicies)
                iam.groups[entity.arn] = entity
            }
        }
        return MockAWSWorld(iam: iam, oidcProvider: oidcProvider)
    }

    /// The mock AWS this lab describes, on its world: what `lab up` serves next to the
    /// databases' endpoints, and `lab aws` alone. Without `oidcProvider`, one named after the lab.
    public func makeMockAWS(oidcProvider: MockOIDCProvider? = nil) -> MockAWSLab {
        LabServices.makeAWS(self, world: makeWorld(oidcProvider: oidcProvider ?? MockOIDCProvider(issuer: oidcIssuer)))
    }

    /// The issuer of the lab's web identity tokens (AssumeRoleWithWebIdentity).
    public var oidcIssuer: String { "https://oidc.lab.dbtunnel.example/\(name)" }

    /// `arn:aws:rds-db:<region>:<account>:dbuser:<resource-id>/<user>`: what `rds-db:connect` names.
    public static func databaseUserARN(_ database: Database, user: String) -> String {
        "arn:aws:rds-db:\(database.region):\(database.account):dbuser:\(database.resourceID)/\(user)"
    }
}
