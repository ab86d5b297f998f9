import Foundation

/// RDS result members in the element names and order of botocore's `rds/2014-10-31` model
/// (`DBInstance`, `DBCluster`, `DBProxy`, `DBProxyEndpoint`). Members the mock has no state
/// for carry the defaults a fresh resource shows.
enum RDSXML {
    /// Route 53 zone id of RDS endpoints (us-east-1's; clients do not resolve it).
    static let hostedZoneID = "Z2R2ITUGPM61AM"

    static func instance(_ instance: MockDBInstance) -> String {
        let pending = instance.pendingIAMDatabaseAuthentication.map { QueryXML.element("IAMDatabaseAuthenticationEnabled", $0) } ?? ""
        return [
            QueryXML.element("DBInstanceIdentifier", instance.identifier),
            QueryXML.element("DBInstanceClass", instance.instanceClass),
            QueryXML.element("Engine", instance.engine),
            QueryXML.element("DBInstanceStatus", instance.status),
            QueryXML.element("MasterUsername", instance.masterUsername),
            QueryXML.element("DBName", instance.databaseName),
            QueryXML.structure("Endpoint", QueryXML.element("Address", instance.address) + QueryXML.element("Port", instance.port)
                + QueryXML.element("HostedZoneId", hostedZoneID)),
            QueryXML.element("AllocatedStorage", instance.clusterIdentifier == nil ? 20 : 1),
            QueryXML.element("InstanceCreateTime", instance.createdAt),
            QueryXML.element("BackupRetentionPeriod", 7),
            QueryXML.list("VpcSecurityGroups", member: "VpcSecurityGroupMembership", rendered: [
                QueryXML.element("VpcSecurityGroupId", "sg-" + RDSNaming.hex(arnSeed: instance.accountID, count: 17)) + QueryXML.element("Status", "active"),
            ]),
            QueryXML.element("AvailabilityZone", instance.region + "a"),
            QueryXML.structure("PendingModifiedValues", pending),
            QueryXML.element("MultiAZ", false),
            QueryXML.element("EngineVersion", instance.engineVersion),
            QueryXML.element("AutoMinorVersionUpgrade", true),
            QueryXML.element("PubliclyAccessible", false),
            QueryXML.element("StorageType", "gp3"),
            QueryXML.element("DbInstancePort", 0),
            QueryXML.element("DBClusterIdentifier", instance.clusterIdentifier),
            QueryXML.element("StorageEncrypted", true),
            QueryXML.element("DbiResourceId", instance.resourceID),
            QueryXML.element("CACertificateIdentifier", "rds-ca-rsa2048-g1"),
            QueryXML.element("CopyTagsToSnapshot", false),
            QueryXML.element("DBInstanceArn", instance.arn),
            QueryXML.element("IAMDatabaseAuthenticationEnabled", instance.iamDatabaseAuthenticationEnabled),
            QueryXML.element("PerformanceInsightsEnabled", false),
            QueryXML.element("DeletionProtection", false),
            QueryXML.tagList(instance.tags),
            QueryXML.element("NetworkType", "IPV4"),
        ].joined()
    }

    /// The first member is the writer.
    static func cluster(_ cluster: MockDBCluster) -> String {
        let pending = cluster.pendingIAMDatabaseAuthentication.map {
            QueryXML.structure("PendingModifiedValues", QueryXML.element("IAMDatabaseAuthenticationEnabled", $0))
        } ?? ""
        let members = cluster.members.enumerated().map { index, id in
            QueryXML.element("DBInstanceIdentifier", id)
                + QueryXML.element("IsClusterWriter", index == 0)
                + QueryXML.element("DBClusterParameterGroupStatus", "in-sync")
                + QueryXML.element("PromotionTier", 1)
        }
        return [
            QueryXML.element("AllocatedStorage", 1),
            QueryXML.list("AvailabilityZones", member: "AvailabilityZone", strings: ["a", "b", "c"].map { cluster.region + $0 }),
            QueryXML.element("BackupRetentionPeriod", 7),
            QueryXML.element("DatabaseName", cluster.databaseName),
            QueryXML.element("DBClusterIdentifier", cluster.identifier),
            QueryXML.element("DBClusterParameterGroup", "default.\(cluster.engine)\(cluster.engineVersion.split(separator: ".").first ?? "")"),
            QueryXML.element("Status", cluster.status),
            QueryXML.element("EarliestRestorableTime", cluster.createdAt),
            QueryXML.element("Endpoint", cluster.endpoint),
            QueryXML.element("ReaderEndpoint", cluster.readerEndpoint),
            QueryXML.element("MultiAZ", cluster.members.count > 1),
            QueryXML.element("Engine", cluster.engine),
            QueryXML.element("EngineVersion", cluster.engineVersion),
            QueryXML.element("Port", cluster.port),
            QueryXML.element("MasterUsername", cluster.masterUsername),
            QueryXML.list("DBClusterMembers", member: "DBClusterMember", rendered: members),
            QueryXML.element("HostedZoneId", hostedZoneID),
            QueryXML.element("StorageEncrypted", true),
            QueryXML.element("DbClusterResourceId", cluster.resourceID),
            QueryXML.element("DBClusterArn", cluster.arn),
            QueryXML.element("IAMDatabaseAuthenticationEnabled", cluster.iamDatabaseAuthenticationEnabled),
            QueryXML.element("ClusterCreateTime", cluster.createdAt),
            QueryXML.element("EngineMode", "provisioned"),
            pending,
            QueryXML.element("DeletionProtection", false),
            QueryXML.element("HttpEndpointEnabled", false),
            QueryXML.element("CopyTagsToSnapshot", false),
            QueryXML.tagList(cluster.tags),
            QueryXML.element("NetworkType", "IPV4"),
        ].joined()
    }

    static func proxy(_ proxy: MockDBProxy) -> String {
        let auth = proxy.auth.map { auth in
            QueryXML.element("UserName", auth.userName)
                + QueryXML.element("AuthScheme", "SECRETS")
                + QueryXML.element("SecretArn", auth.secretARN)
                + QueryXML.element("IAMAuth", auth.iamAuth)
                + QueryXML.element("ClientPasswordAuthType", auth.clientPasswordAuthType)
        }
        return [
            QueryXML.element("DBProxyName", proxy.name),
            QueryXML.element("DBProxyArn", proxy.arn),
            QueryXML.element("Status", proxy.status),
            QueryXML.element("EngineFamily", proxy.engineFamily),
            QueryXML.element("VpcId", "vpc-" + RDSNaming.hex(arnSeed: proxy.accountID + proxy.region, count: 17)),
            QueryXML.list("VpcSecurityGroupIds", strings: ["sg-" + RDSNaming.hex(arnSeed: proxy.accountID, count: 17)]),
            QueryXML.list("VpcSubnetIds", strings: ["a", "b"].map { "subnet-" + RDSNaming.hex(arnSeed: proxy.accountID + $0, count: 17) }),
            QueryXML.list("Auth", rendered: auth),
            QueryXML.element("RoleArn", proxy.roleARN),
            QueryXML.element("Endpoint", proxy.endpoint),
            QueryXML.element("RequireTLS", proxy.requireTLS),
            QueryXML.element("IdleClientTimeout", 1800),
            QueryXML.element("DebugLogging", false),
            QueryXML.element("CreatedDate", proxy.createdAt),
            QueryXML.element("UpdatedDate", proxy.createdAt),
            QueryXML.element("EndpointNetworkType", "IPV4"),
            QueryXML.element("TargetConnectionNetworkType", "IPV4"),
        ].joined()
    }

    static func proxyEndpoint(_ endpoint: MockDBProxyEndpoint) -> String {
        [
            QueryXML.element("DBProxyEndpointName", endpoint.name),
            QueryXML.element("DBProxyEndpointArn", endpoint.arn),
            QueryXML.element("DBProxyName", endpoint.proxyName),
            QueryXML.element("Status", endpoint.status),
            QueryXML.element("VpcId", "vpc-" + RDSNaming.hex(arnSeed: endpoint.accountID + endpoint.region, count: 17)),
            QueryXML.list("VpcSecurityGroupIds", strings: ["sg-" + RDSNaming.hex(arnSeed: endpoint.accountID, count: 17)]),
            QueryXML.list("VpcSubnetIds", strings: ["a", "b"].map { "subnet-" + RDSNaming.hex(arnSeed: endpoint.accountID + $0, count: 17) }),
            QueryXML.element("Endpoint", endpoint.endpoint),
            QueryXML.element("CreatedDate", endpoint.createdAt),
            QueryXML.element("TargetRole", endpoint.targetRole),
            QueryXML.element("IsDefault", endpoint.isDefault),
            QueryXML.element("EndpointNetworkType", "IPV4"),
        ].joined()
    }
}
