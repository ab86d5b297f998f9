import Foundation

/// Turning a seed into the mock's state.
extension MockAWSSeed {
    /// A role's trust policy when the seed gives none: the account, EC2 and ECS tasks may assume it.
    func defaultTrustPolicy(account: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):root","#
            + #""Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#
    }

    func iamState() throws(MockAWSSeedError) -> MockAWSWorld.IAMState {
        var state = MockAWSWorld.IAMState()
        for policy in managedPolicies ?? [] {
            state.managedPolicies[policy.arn] = MockManagedPolicy(arn: policy.arn, document: policy.document.text)
        }
        for group in groups ?? [] {
            let entity = MockGroup(
                name: group.name, accountID: group.account ?? defaultAccount,
                inlinePolicies: (group.policies ?? [:]).mapValues(\.text), attachedPolicyARNs: group.managedPolicies ?? []
            )
            guard state.groups.updateValue(entity, forKey: entity.arn) == nil else { throw .init(code: .duplicate, detail: "group \(entity.arn) is listed twice") }
        }
        for user in users ?? [] {
            var keys: [MockAccessKey] = []
            switch (user.accessKeyId, user.secretAccessKey) {
            case (let id?, let secret?): keys.append(MockAccessKey(id: id, secret: secret))
            case (nil, nil): break
            default: throw .init(code: .invalidJSON, detail: "user \(user.name): give both accessKeyId and secretAccessKey, or neither")
            }
            let entity = MockUser(
                name: user.name, accountID: user.account ?? defaultAccount, accessKeys: keys,
                inlinePolicies: (user.policies ?? [:]).mapValues(\.text), attachedPolicyARNs: user.managedPolicies ?? [],
                groups: user.groups ?? [], permissionsBoundaryARN: user.permissionsBoundary
            )
            guard state.users.updateValue(entity, forKey: entity.arn) == nil else { throw .init(code: .duplicate, detail: "user \(entity.arn) is listed twice") }
        }
        for role in roles ?? [] {
            let account = role.account ?? defaultAccount
            let entity = MockRole(
                name: role.name, accountID: account, trustPolicy: role.trustPolicy?.text ?? defaultTrustPolicy(account: account),
                inlinePolicies: (role.policies ?? [:]).mapValues(\.text), attachedPolicyARNs: role.managedPolicies ?? [],
                permissionsBoundaryARN: role.permissionsBoundary, maxSessionDuration: role.maxSessionDuration ?? 3600
            )
            guard state.roles.updateValue(entity, forKey: entity.arn) == nil else { throw .init(code: .duplicate, detail: "role \(entity.arn) is listed twice") }
        }
        return state
    }

    /// A role named by name (in the default account) or ARN; it must be among `roles`.
    func roleARN(_ nameOrARN: String?, for what: String, in iam: MockAWSWorld.IAMState) throws(MockAWSSeedError) -> String? {
        guard let nameOrARN else { return nil }
        let arn = nameOrARN.hasPrefix("arn:") ? nameOrARN : "arn:aws:iam::\(defaultAccount):role/\(nameOrARN)"
        guard iam.roles[arn] != nil else { throw .init(code: .unknownReference, detail: "\(what): role \(arn) is not among \"roles\"") }
        return arn
    }

    func rdsState() throws(MockAWSSeedError) -> MockRDSStore.State {
        let tags = { (tags: [String: String]?) in (tags ?? [:]).sorted { $0.key < $1.key }.map { MockTag(key: $0.key, value: $0.value) } }
        var state = MockRDSStore.State()
        for instance in rds?.instances ?? [] {
            state.instances.append(MockDBInstance(
                identifier: instance.id, accountID: instance.account ?? defaultAccount, region: instance.region ?? defaultRegion,
                engine: instance.engine ?? "postgres", engineVersion: instance.engineVersion, instanceClass: instance.instanceClass ?? "db.t3.micro",
                status: instance.status ?? "available", masterUsername: instance.masterUsername ?? "postgres", databaseName: instance.dbName,
                address: instance.address, port: instance.port, iamDatabaseAuthenticationEnabled: instance.iamAuth ?? true,
                clusterIdentifier: instance.cluster, resourceID: instance.resourceId, tags: tags(instance.tags)
            ))
        }
        for cluster in rds?.clusters ?? [] {
            var members = cluster.members ?? []
            // Instances that name the cluster are members too.
            members += (rds?.instances ?? []).filter { $0.cluster == cluster.id && !members.contains($0.id) }.map(\.id)
            for member in members where !(rds?.instances ?? []).contains(where: { $0.id == member }) {
                throw .init(code: .unknownReference, detail: "cluster \(cluster.id): member \(member) is not among rds.instances")
            }
            state.clusters.append(MockDBCluster(
                identifier: cluster.id, accountID: cluster.account ?? defaultAccount, region: cluster.region ?? defaultRegion,
                engine: cluster.engine ?? "aurora-postgresql", engineVersion: cluster.engineVersion, status: cluster.status ?? "available",
                masterUsername: cluster.masterUsername ?? "postgres", databaseName: cluster.dbName, endpoint: cluster.endpoint,
                readerEndpoint: cluster.readerEndpoint, port: cluster.port, members: members,
                iamDatabaseAuthenticationEnabled: cluster.iamAuth ?? true, resourceID: cluster.resourceId, tags: tags(cluster.tags)
            ))
        }
        for instance in state.instances {
            if let cluster = instance.clusterIdentifier, !state.clusters.contains(where: { $0.identifier == cluster }) {
                throw .init(code: .unknownReference, detail: "instance \(instance.identifier): cluster \(cluster) is not among rds.clusters")
            }
        }
        for proxy in rds?.proxies ?? [] {
            let account = proxy.account ?? defaultAccount, region = proxy.region ?? defaultRegion
            let secretARN = proxy.secretArn ?? "arn:aws:secretsmanager:\(region):\(account):secret:\(proxy.name)-credentials-AbCdEf"
            state.proxies.append(MockDBProxy(
                name: proxy.name, accountID: account, region: region, engineFamily: proxy.engineFamily ?? "POSTGRESQL",
                endpoint: proxy.endpoint, requireTLS: proxy.requireTLS ?? true,
                auth: [.init(iamAuth: proxy.iamAuth ?? "REQUIRED", secretARN: secretARN)], status: proxy.status ?? "available",
                roleARN: proxy.roleArn, tags: tags(proxy.tags)
            ))
            for endpoint in proxy.endpoints ?? [] {
                state.proxyEndpoints.append(MockDBProxyEndpoint(
                    name: endpoint.name, proxyName: proxy.name, accountID: account, region: region, endpoint: endpoint.endpoint,
                    targetRole: endpoint.targetRole ?? "READ_WRITE"
                ))
            }
        }
        return state
    }

    func secretsList(now: Date) -> [MockSecret] {
        (secrets ?? []).map { seed in
            var secret = MockSecret(
                name: seed.name, accountID: seed.account ?? defaultAccount, region: seed.region ?? defaultRegion,
                description: seed.description,
                tags: (seed.tags ?? [:]).sorted { $0.key < $1.key }.map { MockTag(key: $0.key, value: $0.value) }, createdAt: now
            )
            if let value = seed.secretString {
                secret.addVersion(.init(id: UUID().uuidString.lowercased(), secretString: value, stages: ["AWSCURRENT"], createdAt: now))
            }
            return secret
        }
    }

    func workgroups() -> [MockWorkgroup] {
        (redshiftServerless?.workgroups ?? []).map { seed in
            MockWorkgroup(
                name: seed.name, namespaceName: seed.namespace ?? "default", accountID: seed.account ?? defaultAccount,
                region: seed.region ?? defaultRegion, address: seed.address, port: seed.port ?? 5439, status: seed.status ?? "AVAILABLE"
            )
        }
    }
}
