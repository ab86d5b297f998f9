import AWSMocks
import Foundation

/// The mock AWS a lab file describes: IAM from its accounts, RDS from its databases, its
/// secrets, instance metadata and container credentials (one assembler, `MockAWSLab`).
enum LabServices {
    static func makeAWS(_ lab: LabFile, world: MockAWSWorld) -> MockAWSLab {
        var rds = MockRDSStore.State()
        for database in lab.databases {
            switch database.kind {
            case .rdsInstance:
                rds.instances.append(MockDBInstance(
                    identifier: database.identifier, accountID: database.account, region: database.region,
                    address: database.hostname, port: database.port, iamDatabaseAuthenticationEnabled: database.iamAuth,
                    resourceID: database.resourceID
                ))
            case .auroraCluster:
                rds.clusters.append(MockDBCluster(
                    identifier: database.identifier, accountID: database.account, region: database.region,
                    endpoint: database.hostname, port: database.port, iamDatabaseAuthenticationEnabled: database.iamAuth,
                    resourceID: database.resourceID
                ))
            case .rdsProxy:
                rds.proxies.append(MockDBProxy(
                    name: database.identifier, accountID: database.account, region: database.region, endpoint: database.hostname,
                    auth: [.init(iamAuth: database.iamAuth ? "REQUIRED" : "DISABLED")]
                ))
            }
        }
        let secrets = lab.secrets.map { secret in
            MockSecret(
                name: secret.name, accountID: secret.account ?? lab.accounts.first?.id ?? "111111111111",
                region: lab.region, description: secret.description,
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
            world: world, region: lab.region, rds: rds, secrets: secrets, workgroups: workgroups,
            instanceMetadata: metadata,
            containerCredentials: .init(roleARN: lab.containerCredentials?.role, authorizationToken: lab.containerCredentials?.token)
        )
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
