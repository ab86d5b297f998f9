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
        try describe(call, caller: caller, Describe<MockDBInstance>(
            action: "rds:DescribeDBInstances", identifierParameter: "DBInstanceIdentifier", arnType: "db",
            list: "DBInstances", member: "DBInstance", all: store.instances(accountID:), find: store.instance(_:accountID:),
            notFound: AWSServiceError.dbInstanceNotFound, render: RDSXML.instance,
            filter: { name, values in
                switch name {
                case "db-instance-id": { values.contains($0.identifier.lowercased()) || values.contains($0.arn.lowercased()) }
                case "db-cluster-id":
                    { instance in
                        guard let cluster = instance.clusterIdentifier else { return false }
                        let arn = "arn:aws:rds:\(instance.region):\(instance.accountID):cluster:\(cluster)"
                        return values.contains(cluster.lowercased()) || values.contains(arn.lowercased())
                    }
                case "dbi-resource-id": { values.contains($0.resourceID.lowercased()) }
                case "engine": { values.contains($0.engine) }
                case "domain": { _ in false }
                default: nil
                }
            }
        ))
    }

    func describeDBClusters(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> String {
        try describe(call, caller: caller, Describe<MockDBCluster>(
            action: "rds:DescribeDBClusters", identifierParameter: "DBClusterIdentifier", arnType: "cluster",
            list: "DBClusters", member: "DBCluster", all: store.clusters(accountID:), find: store.cluster(_:accountID:),
            notFound: AWSServiceError.dbClusterNotFound, render: RDSXML.cluster,
            filter: { name, values in
                switch name {
                case "db-cluster-id": { values.contains($0.identifier.lowercased()) || values.contains($0.arn.lowercased()) }
                case "db-cluster-resource-id": { values.contains($0.resourceID.lowercased()) }
                case "engine": { values.contains($0.engine) }
                case "clone-group-id", "domain": { _ in false }
                default: nil
                }
            }
        ))
    }

    /// What DescribeDBInstances and DescribeDBClusters differ in: which store, which names, which
    /// filters. Looking up, authorizing, filtering and paging are the same (`describe`).
    struct Describe<Resource: MockRDSResource> {
        let action: String
        let identifierParameter: String
        /// The ARN's resource type (`db`, `cluster`), for authorizing a name that does not exist.
        let arnType: String
        let list: String
        let member: String
        let all: (String) -> [Resource]
        let find: (String, String) -> Resource?
        let notFound: (String) -> AWSServiceError
        let render: (Resource) -> String
        /// The test a filter puts the resources to (values lower-cased); nil for a filter RDS
        /// does not know.
        let filter: (_ name: String, _ values: Set<String>) -> ((Resource) -> Bool)?
    }

    private func describe<Resource>(_ call: AWSCall, caller: MockPrincipal, _ describe: Describe<Resource>) throws(AWSServiceError) -> String {
        var resources = describe.all(caller.accountID)
        if let id = call.parameters[describe.identifierParameter] {
            guard let found = describe.find(id, caller.accountID) else {
                try world.requireAllowed(caller, action: describe.action, resource: missingARN(describe.arnType, id, caller))
                throw describe.notFound(id)
            }
            try world.requireAllowed(caller, action: describe.action, resource: found.arn)
            resources = [found]
        } else {
            try world.requireAllowed(caller, action: describe.action, resource: missingARN(describe.arnType, "*", caller))
        }
        for filter in call.filters() {
            guard let keep = describe.filter(filter.name, Set(filter.values.map { $0.lowercased() })) else {
                throw .invalidParameterValue("Unrecognized filter name: \(filter.name)")
            }
            resources = resources.filter(keep)
        }
        let (page, marker) = try Self.paginate(resources, key: \.identifier, call: call)
        return QueryXML.list(describe.list, member: describe.member, rendered: page.map(describe.render)) + QueryXML.element("Marker", marker)
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
