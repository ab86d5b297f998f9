import AWSMocks
import Foundation

/// The mock AWS a lab file describes: IAM from its accounts, RDS from its databases (those
/// without a backend too), its secrets, workgroups, instance metadata and container credentials
/// (one assembler, `MockAWSLab`).
enum LabServices {
    static func makeAWS(_ lab: LabFile, world: MockAWSWorld) -> MockAWSLab {
        let secrets = lab.secrets.map { secret in
            MockSecret(
                name: secret.name, accountID: secret.account ?? lab.accounts.first?.id ?? "111111111111",
                region: lab.region, description: secret.description, tags: mockTags(secret.tags),
                versions: [.init(id: UUID().uuidString.lowercased(), secretString: secret.value, stages: ["AWSCURRENT"], createdAt: world.now)],
                createdAt: world.now
            )
        }
        var metadata = MockInstanceMetadata.Configuration(roleARN: lab.instanceMetadata?.role, region: lab.region)
        metadata.mode = lab.instanceMetadata.flatMap { MockInstanceMetadata.Mode(name: $0.mode) } ?? .normal
        let workgroups = lab.workgroups.map {
            MockWorkgroup(name: $0.name, namespaceName: $0.namespace, accountID: $0.account, region: $0.region)
        }
        return MockAWSLab(
            world: world, region: lab.region, rds: rdsState(lab), secrets: secrets, workgroups: workgroups,
            instanceMetadata: metadata,
            containerCredentials: .init(roleARN: lab.containerCredentials?.role, authorizationToken: lab.containerCredentials?.token)
        )
    }

    /// RDS as the lab's databases describe it: instances (Aurora members naming their cluster),
    /// clusters with their members, proxies with their extra endpoints.
    static func rdsState(_ lab: LabFile) -> MockRDSStore.State {
        var rds = MockRDSStore.State()
        for database in lab.databases {
            switch database.kind {
            case .rdsInstance:
                rds.instances.append(MockDBInstance(
                    identifier: database.identifier, accountID: database.account, region: database.region, engine: database.engine,
                    address: database.hostname, port: database.port, iamDatabaseAuthenticationEnabled: database.iamAuth,
                    clusterIdentifier: database.cluster, resourceID: database.resourceID, tags: mockTags(database.tags)
                ))
            case .auroraCluster:
                let members = lab.databases.filter {
                    $0.kind == .rdsInstance && $0.cluster == database.identifier && $0.account == database.account && $0.region == database.region
                }
                rds.clusters.append(MockDBCluster(
                    identifier: database.identifier, accountID: database.account, region: database.region, engine: database.engine,
                    endpoint: database.hostname, port: database.port, members: members.map(\.identifier),
                    iamDatabaseAuthenticationEnabled: database.iamAuth, resourceID: database.resourceID, tags: mockTags(database.tags)
                ))
            case .rdsProxy:
                let proxy = database.proxy ?? LabFile.Proxy(iamAuth: database.iamAuth ? "REQUIRED" : "DISABLED")
                let secretARN = "arn:aws:secretsmanager:\(database.region):\(database.account):secret:\(database.identifier)-credentials-AbCdEf"
                rds.proxies.append(MockDBProxy(
                    name: database.identifier, accountID: database.account, region: database.region, engineFamily: database.engine,
                    endpoint: database.hostname, requireTLS: proxy.requireTLS, auth: [.init(iamAuth: proxy.iamAuth, secretARN: secretARN)],
                    tags: mockTags(database.tags)
                ))
                for endpoint in proxy.endpoints {
                    rds.proxyEndpoints.append(MockDBProxyEndpoint(
                        name: endpoint.name, proxyName: database.identifier, accountID: database.account, region: database.region,
                        endpoint: endpoint.hostname, targetRole: endpoint.targetRole
                    ))
                }
            }
        }
        return rds
    }

    /// Tags as RDS and Secrets Manager list them: sorted by key.
    private static func mockTags(_ tags: [String: String]) -> [MockTag] {
        tags.sorted { $0.key < $1.key }.map { MockTag(key: $0.key, value: $0.value) }
    }

    /// Whether IAM database authentication is on for `database` now (ModifyDBInstance changes it).
    static func iamEnabled(_ database: LabFile.Database, in store: MockRDSStore) -> Bool {
        switch database.kind {
        case .rdsInstance: store.instance(database.identifier, accountID: database.account)?.iamDatabaseAuthenticationEnabled ?? false
        case .auroraCluster: store.cluster(database.identifier, accountID: database.account)?.iamDatabaseAuthenticationEnabled ?? false
        case .rdsProxy: store.proxy(database.identifier, accountID: database.account)?.auth.contains { $0.iamAuth != "DISABLED" } ?? false
        }
    }
}
