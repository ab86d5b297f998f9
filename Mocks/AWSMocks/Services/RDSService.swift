import Foundation

/// RDS 2014-10-31 (query protocol): describing instances, clusters, proxies and proxy endpoints,
/// and switching IAM database authentication on or off.
/// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/Welcome.html
public struct RDSService: MockAWSService {
    public static let namespace = "http://rds.amazonaws.com/doc/2014-10-31/"
    public let signingName = "rds"
    let world: MockAWSWorld
    let store: MockRDSStore
    /// The region named in ARNs of resources that do not exist (`AWSCall` does not carry the
    /// signing region): what the authorization check of a failing lookup is made against.
    let region: String

    public init(world: MockAWSWorld, store: MockRDSStore, region: String = "us-east-1") {
        self.world = world
        self.store = store
        self.region = region
    }

    /// The ARN a missing resource would have: `arn:aws:rds:<region>:<account>:<type>:<name>`;
    /// with name `*`, what a listing is authorized against.
    func missingARN(_ type: String, _ name: String, _ caller: MockPrincipal) -> String {
        name.hasPrefix("arn:") ? name : "arn:aws:rds:\(region):\(caller.accountID):\(type):\(name)"
    }

    public func handle(_ call: AWSCall) async throws(AWSServiceError) -> AWSReply {
        guard let caller = call.caller else { throw .missingAuthentication }
        let result: String
        switch call.action {
        case "DescribeDBInstances": result = try describeDBInstances(call, caller: caller)
        case "DescribeDBClusters": result = try describeDBClusters(call, caller: caller)
        case "DescribeDBProxies": result = try describeDBProxies(call, caller: caller)
        case "DescribeDBProxyEndpoints": result = try describeDBProxyEndpoints(call, caller: caller)
        case "ModifyDBInstance": result = try modifyDBInstance(call, caller: caller)
        case "ModifyDBCluster": result = try modifyDBCluster(call, caller: caller)
        default: throw .invalidAction(call.action)
        }
        return WireFormat.queryResponse(action: call.action, namespace: Self.namespace, result: result, requestID: call.requestID)
    }

    // MARK: Describe

    func describeDBInstances(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> String {
        var instances = store.instances(accountID: caller.accountID)
        if let id = call.parameters["DBInstanceIdentifier"] {
            guard let found = store.instance(id, accountID: caller.accountID) else {
                try world.requireAllowed(caller, action: "rds:DescribeDBInstances", resource: missingARN("db", id, caller))
                throw .dbInstanceNotFound(id)
            }
            try world.requireAllowed(caller, action: "rds:DescribeDBInstances", resource: found.arn)
            instances = [found]
        } else {
            try world.requireAllowed(caller, action: "rds:DescribeDBInstances", resource: missingARN("db", "*", caller))
        }
        for filter in call.filters() {
            let values = Set(filter.values.map { $0.lowercased() })
            let keep: (MockDBInstance) -> Bool
            switch filter.name {
            case "db-instance-id": keep = { values.contains($0.identifier.lowercased()) || values.contains($0.arn.lowercased()) }
            case "db-cluster-id":
                keep = { instance in
                    guard let cluster = instance.clusterIdentifier else { return false }
                    let arn = "arn:aws:rds:\(instance.region):\(instance.accountID):cluster:\(cluster)"
                    return values.contains(cluster.lowercased()) || values.contains(arn.lowercased())
                }
            case "dbi-resource-id": keep = { values.contains($0.resourceID.lowercased()) }
            case "engine": keep = { values.contains($0.engine) }
            case "domain": keep = { _ in false }
            default: throw .invalidParameterValue("Unrecognized filter name: \(filter.name)")
            }
            instances = instances.filter(keep)
        }
        let (page, marker) = try Self.paginate(instances, key: \.identifier, call: call)
        return QueryXML.list("DBInstances", member: "DBInstance", rendered: page.map(RDSXML.instance)) + QueryXML.element("Marker", marker)
    }

    func describeDBClusters(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> String {
        var clusters = store.clusters(accountID: caller.accountID)
        if let id = call.parameters["DBClusterIdentifier"] {
            guard let found = store.cluster(id, accountID: caller.accountID) else {
                try world.requireAllowed(caller, action: "rds:DescribeDBClusters", resource: missingARN("cluster", id, caller))
                throw .dbClusterNotFound(id)
            }
            try world.requireAllowed(caller, action: "rds:DescribeDBClusters", resource: found.arn)
            clusters = [found]
        } else {
            try world.requireAllowed(caller, action: "rds:DescribeDBClusters", resource: missingARN("cluster", "*", caller))
        }
        for filter in call.filters() {
            let values = Set(filter.values.map { $0.lowercased() })
            let keep: (MockDBCluster) -> Bool
            switch filter.name {
            case "db-cluster-id": keep = { values.contains($0.identifier.lowercased()) || values.contains($0.arn.lowercased()) }
            case "db-cluster-resource-id": keep = { values.contains($0.resourceID.lowercased()) }
            case "engine": keep = { values.contains($0.engine) }
            case "clone-group-id", "domain": keep = { _ in false }
            default: throw .invalidParameterValue("Unrecognized filter name: \(filter.name)")
            }
            clusters = clusters.filter(keep)
        }
        let (page, marker) = try Self.paginate(clusters, key: \.identifier, call: call)
        return QueryXML.list("DBClusters", member: "DBCluster", rendered: page.map(RDSXML.cluster)) + QueryXML.element("Marker", marker)
    }

    /// RDS documents Filters on the proxy calls as "not currently supported"; any filter is refused.
    func describeDBProxies(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> String {
        if let filter = call.filters().first { throw .invalidParameterValue("Unrecognized filter name: \(filter.name)") }
        var proxies = store.proxies(accountID: caller.accountID)
        if let name = call.parameters["DBProxyName"] {
            guard let found = store.proxy(name, accountID: caller.accountID) else {
                try world.requireAllowed(caller, action: "rds:DescribeDBProxies", resource: missingARN("db-proxy", "*", caller))
                throw .dbProxyNotFound(name)
            }
            try world.requireAllowed(caller, action: "rds:DescribeDBProxies", resource: found.arn)
            proxies = [found]
        } else {
            try world.requireAllowed(caller, action: "rds:DescribeDBProxies", resource: missingARN("db-proxy", "*", caller))
        }
        let (page, marker) = try Self.paginate(proxies, key: \.name, call: call)
        return QueryXML.list("DBProxies", rendered: page.map(RDSXML.proxy)) + QueryXML.element("Marker", marker)
    }

    func describeDBProxyEndpoints(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> String {
        if let filter = call.filters().first { throw .invalidParameterValue("Unrecognized filter name: \(filter.name)") }
        let proxyName = call.parameters["DBProxyName"]
        if let proxyName, store.proxy(proxyName, accountID: caller.accountID) == nil {
            try world.requireAllowed(caller, action: "rds:DescribeDBProxyEndpoints", resource: missingARN("db-proxy-endpoint", "*", caller))
            throw .dbProxyNotFound(proxyName)
        }
        var endpoints = store.proxyEndpoints(proxyName: proxyName, accountID: caller.accountID)
        if let endpointName = call.parameters["DBProxyEndpointName"] {
            endpoints = endpoints.filter { $0.name == endpointName }
            guard let found = endpoints.first else {
                try world.requireAllowed(caller, action: "rds:DescribeDBProxyEndpoints", resource: missingARN("db-proxy-endpoint", "*", caller))
                throw .dbProxyEndpointNotFound(endpointName)
            }
            try world.requireAllowed(caller, action: "rds:DescribeDBProxyEndpoints", resource: found.arn)
        } else {
            try world.requireAllowed(caller, action: "rds:DescribeDBProxyEndpoints", resource: missingARN("db-proxy-endpoint", "*", caller))
        }
        let (page, marker) = try Self.paginate(endpoints, key: { "\($0.proxyName)/\($0.isDefault ? "" : $0.name)" }, call: call)
        return QueryXML.list("DBProxyEndpoints", rendered: page.map(RDSXML.proxyEndpoint)) + QueryXML.element("Marker", marker)
    }

    // MARK: Modify

    func modifyDBInstance(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> String {
        let id = try call.parameter("DBInstanceIdentifier")
        guard let current = store.instance(id, accountID: caller.accountID) else {
            try world.requireAllowed(caller, action: "rds:ModifyDBInstance", resource: missingARN("db", id, caller))
            throw .dbInstanceNotFound(id)
        }
        try world.requireAllowed(caller, action: "rds:ModifyDBInstance", resource: current.arn)
        let enableIAM = try call.bool("EnableIAMDatabaseAuthentication")
        if enableIAM != nil, current.clusterIdentifier != nil {
            // Aurora: the cluster owns the setting.
            throw AWSServiceError(
                status: 400, code: "InvalidParameterCombination",
                message: "The requested DB Instance will be a member of a DB Cluster. Set IAM database authentication for the DB Cluster."
            )
        }
        let applyImmediately = try call.bool("ApplyImmediately") ?? false
        guard let modified = store.modifyInstance(id, accountID: caller.accountID, enableIAM: enableIAM, applyImmediately: applyImmediately) else {
            throw .dbInstanceNotFound(id)
        }
        return QueryXML.structure("DBInstance", RDSXML.instance(modified))
    }

    func modifyDBCluster(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> String {
        let id = try call.parameter("DBClusterIdentifier")
        guard let current = store.cluster(id, accountID: caller.accountID) else {
            try world.requireAllowed(caller, action: "rds:ModifyDBCluster", resource: missingARN("cluster", id, caller))
            throw .dbClusterNotFound(id)
        }
        try world.requireAllowed(caller, action: "rds:ModifyDBCluster", resource: current.arn)
        let enableIAM = try call.bool("EnableIAMDatabaseAuthentication")
        let applyImmediately = try call.bool("ApplyImmediately") ?? false
        guard let modified = store.modifyCluster(id, accountID: caller.accountID, enableIAM: enableIAM, applyImmediately: applyImmediately) else {
            throw .dbClusterNotFound(id)
        }
        return QueryXML.structure("DBCluster", RDSXML.cluster(modified))
    }

    // MARK: Paging

    /// `MaxRecords` (20…100, default 100) and an opaque `Marker` naming the first item of the next page.
    static func paginate<Item>(_ items: [Item], key: (Item) -> String, call: AWSCall) throws(AWSServiceError) -> ([Item], String?) {
        let maxRecords = try call.int("MaxRecords") ?? 100
        guard (20...100).contains(maxRecords) else {
            throw .invalidParameterValue("Invalid value \(maxRecords) for MaxRecords. Must be between 20 and 100")
        }
        var start = 0
        if let marker = call.parameters["Marker"] {
            guard let data = Data(base64Encoded: marker), let first = String(data: data, encoding: .utf8) else {
                throw .invalidParameterValue("Invalid marker: \(marker)")
            }
            start = items.firstIndex { key($0) == first } ?? items.firstIndex { key($0) >= first } ?? items.count
        }
        let end = min(items.count, start + maxRecords)
        let next = end < items.count ? Data(key(items[end]).utf8).base64EncodedString() : nil
        return (Array(items[start..<end]), next)
    }
}

extension AWSServiceError {
    static func dbInstanceNotFound(_ id: String) -> AWSServiceError {
        AWSServiceError(status: 404, code: "DBInstanceNotFound", message: "DBInstance \(id) not found.")
    }

    static func dbClusterNotFound(_ id: String) -> AWSServiceError {
        AWSServiceError(status: 404, code: "DBClusterNotFoundFault", message: "DBCluster \(id) not found.")
    }

    static func dbProxyNotFound(_ name: String) -> AWSServiceError {
        AWSServiceError(status: 404, code: "DBProxyNotFoundFault", message: "DBProxy \(name) is not found.")
    }

    static func dbProxyEndpointNotFound(_ name: String) -> AWSServiceError {
        AWSServiceError(status: 404, code: "DBProxyEndpointNotFoundFault", message: "DBProxyEndpoint \(name) is not found.")
    }
}
