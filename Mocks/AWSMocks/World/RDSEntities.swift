import Crypto
import Foundation

/// A DB instance as the mock RDS keeps it. Identifiers and endpoints follow RDS's formats:
/// `db-…` resource ids, `<id>.<12 chars>.<region>.rds.amazonaws.com`, ARNs `…:db:<id>`.
public struct MockDBInstance: Sendable, Equatable {
    public var identifier: String
    public var accountID: String
    public var region: String
    public var engine: String
    public var engineVersion: String
    public var instanceClass: String
    public var status: String
    public var masterUsername: String
    public var databaseName: String?
    public var address: String
    public var port: Int
    public var iamDatabaseAuthenticationEnabled: Bool
    /// A ModifyDBInstance without ApplyImmediately: applied at the next maintenance window.
    public var pendingIAMDatabaseAuthentication: Bool?
    /// The Aurora cluster this instance belongs to.
    public var clusterIdentifier: String?
    /// `db-` and 26 characters (what `rds-db:connect` ARNs name); by default stable for the ARN.
    public var resourceID: String
    public var tags: [MockTag]
    public var createdAt: Date

    public init(
        identifier: String, accountID: String, region: String, engine: String = "postgres", engineVersion: String? = nil,
        instanceClass: String = "db.t3.micro", status: String = "available", masterUsername: String = "postgres",
        databaseName: String? = nil, address: String? = nil, port: Int? = nil, iamDatabaseAuthenticationEnabled: Bool = true,
        clusterIdentifier: String? = nil, resourceID: String? = nil, tags: [MockTag] = [],
        createdAt: Date = Date(timeIntervalSince1970: 1_735_689_600)
    ) {
        self.identifier = identifier
        self.accountID = accountID
        self.region = region
        self.engine = engine
        self.engineVersion = engineVersion ?? RDSNaming.defaultEngineVersion(engine)
        self.instanceClass = instanceClass
        self.status = status
        self.masterUsername = masterUsername
        self.databaseName = databaseName
        self.address = address ?? "\(identifier).\(RDSNaming.endpointSuffix(accountID: accountID, region: region))"
        self.port = port ?? RDSNaming.defaultPort(engine)
        self.iamDatabaseAuthenticationEnabled = iamDatabaseAuthenticationEnabled
        self.clusterIdentifier = clusterIdentifier
        self.resourceID = resourceID ?? MockIdentifiers.stable(prefix: "db-", seed: "arn:aws:rds:\(region):\(accountID):db:\(identifier)", length: 26)
        self.tags = tags
        self.createdAt = createdAt
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountID):db:\(identifier)" }

    /// The port RDS gives an engine unless told otherwise (5432, 3306 for MySQL and MariaDB, …).
    public static func defaultPort(engine: String) -> Int { RDSNaming.defaultPort(engine) }
}

/// An Aurora DB cluster: writer endpoint `<id>.cluster-<12>.…`, reader `<id>.cluster-ro-<12>.…`.
public struct MockDBCluster: Sendable, Equatable {
    public var identifier: String
    public var accountID: String
    public var region: String
    public var engine: String
    public var engineVersion: String
    public var status: String
    public var masterUsername: String
    public var databaseName: String?
    public var endpoint: String
    public var readerEndpoint: String
    public var port: Int
    /// Member instance identifiers; the first is the writer.
    public var members: [String]
    public var iamDatabaseAuthenticationEnabled: Bool
    public var pendingIAMDatabaseAuthentication: Bool?
    /// `cluster-` and 26 characters; by default stable for the ARN.
    public var resourceID: String
    public var tags: [MockTag]
    public var createdAt: Date

    public init(
        identifier: String, accountID: String, region: String, engine: String = "aurora-postgresql", engineVersion: String? = nil,
        status: String = "available", masterUsername: String = "postgres", databaseName: String? = nil,
        endpoint: String? = nil, readerEndpoint: String? = nil, port: Int? = nil, members: [String] = [],
        iamDatabaseAuthenticationEnabled: Bool = true, resourceID: String? = nil, tags: [MockTag] = [],
        createdAt: Date = Date(timeIntervalSince1970: 1_735_689_600)
    ) {
        let suffix = RDSNaming.endpointSuffix(accountID: accountID, region: region)
        self.identifier = identifier
        self.accountID = accountID
        self.region = region
        self.engine = engine
        self.engineVersion = engineVersion ?? RDSNaming.defaultEngineVersion(engine)
        self.status = status
        self.masterUsername = masterUsername
        self.databaseName = databaseName
        self.endpoint = endpoint ?? "\(identifier).cluster-\(suffix)"
        self.readerEndpoint = readerEndpoint ?? "\(identifier).cluster-ro-\(suffix)"
        self.port = port ?? RDSNaming.defaultPort(engine)
        self.members = members
        self.iamDatabaseAuthenticationEnabled = iamDatabaseAuthenticationEnabled
        self.resourceID = resourceID ?? MockIdentifiers.stable(prefix: "cluster-", seed: "arn:aws:rds:\(region):\(accountID):cluster:\(identifier)", length: 26)
        self.tags = tags
        self.createdAt = createdAt
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountID):cluster:\(identifier)" }
}

/// An RDS Proxy: endpoint `<name>.proxy-<12>.<region>.rds.amazonaws.com`, ARN `…:db-proxy:prx-<17 hex>`.
public struct MockDBProxy: Sendable, Equatable {
    public struct Auth: Sendable, Equatable {
        public var iamAuth: String          // DISABLED | REQUIRED | ENABLED
        public var secretARN: String?
        public var userName: String?
        public var clientPasswordAuthType: String?

        public init(iamAuth: String = "REQUIRED", secretARN: String? = nil, userName: String? = nil, clientPasswordAuthType: String? = nil) {
            self.iamAuth = iamAuth
            self.secretARN = secretARN
            self.userName = userName
            self.clientPasswordAuthType = clientPasswordAuthType
        }
    }

    public var name: String
    public var accountID: String
    public var region: String
    public var engineFamily: String         // POSTGRESQL | MYSQL | SQLSERVER
    public var endpoint: String
    public var requireTLS: Bool
    public var auth: [Auth]
    public var status: String
    public var roleARN: String
    public var tags: [MockTag]
    public var createdAt: Date

    public init(
        name: String, accountID: String, region: String, engineFamily: String = "POSTGRESQL", endpoint: String? = nil,
        requireTLS: Bool = true, auth: [Auth] = [Auth()], status: String = "available", roleARN: String? = nil,
        tags: [MockTag] = [], createdAt: Date = Date(timeIntervalSince1970: 1_735_689_600)
    ) {
        self.name = name
        self.accountID = accountID
        self.region = region
        self.engineFamily = engineFamily
        self.endpoint = endpoint ?? "\(name).proxy-\(RDSNaming.endpointSuffix(accountID: accountID, region: region))"
        self.requireTLS = requireTLS
        self.auth = auth
        self.status = status
        self.roleARN = roleARN ?? "arn:aws:iam::\(accountID):role/\(name)-secrets"
        self.tags = tags
        self.createdAt = createdAt
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountID):db-proxy:prx-\(RDSNaming.hex(arnSeed: "proxy:\(accountID):\(region):\(name)", count: 17))" }

    /// Every proxy has a read/write endpoint named `default`.
    public var defaultEndpoint: MockDBProxyEndpoint {
        MockDBProxyEndpoint(name: "default", proxyName: name, accountID: accountID, region: region, endpoint: endpoint, targetRole: "READ_WRITE", isDefault: true, createdAt: createdAt)
    }
}

/// A proxy endpoint: `<name>.endpoint.proxy-<12>.…`, reading or writing.
public struct MockDBProxyEndpoint: Sendable, Equatable {
    public var name: String
    public var proxyName: String
    public var accountID: String
    public var region: String
    public var endpoint: String
    /// READ_WRITE or READ_ONLY.
    public var targetRole: String
    public var isDefault: Bool
    public var status: String
    public var createdAt: Date

    public init(
        name: String, proxyName: String, accountID: String, region: String, endpoint: String? = nil,
        targetRole: String = "READ_WRITE", isDefault: Bool = false, status: String = "available",
        createdAt: Date = Date(timeIntervalSince1970: 1_735_689_600)
    ) {
        self.name = name
        self.proxyName = proxyName
        self.accountID = accountID
        self.region = region
        self.endpoint = endpoint ?? "\(name).endpoint.proxy-\(RDSNaming.endpointSuffix(accountID: accountID, region: region))"
        self.targetRole = targetRole
        self.isDefault = isDefault
        self.status = status
        self.createdAt = createdAt
    }

    public var arn: String {
        "arn:aws:rds:\(region):\(accountID):db-proxy-endpoint:prx-endpoint-\(RDSNaming.hex(arnSeed: "proxy-endpoint:\(accountID):\(region):\(proxyName):\(name)", count: 17))"
    }
}

/// Naming rules shared by the RDS entities.
enum RDSNaming {
    /// `abcdefghijkl.us-east-1.rds.amazonaws.com`: RDS's per-account, per-region 12 characters.
    static func endpointSuffix(accountID: String, region: String) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let digest = Array(SHA256.hash(data: Array("\(accountID)/\(region)".utf8)))
        return String((0..<12).map { letters[Int(digest[$0]) % letters.count] }) + ".\(region).rds.amazonaws.com"
    }

    static func hex(arnSeed: String, count: Int) -> String {
        let digest = SHA256.hash(data: Array(arnSeed.utf8)).map { String(format: "%02x", $0) }.joined()
        return String(digest.prefix(count))
    }

    static func defaultPort(_ engine: String) -> Int {
        if engine.contains("mysql") || engine.contains("mariadb") { return 3306 }
        if engine.hasPrefix("sqlserver") { return 1433 }
        if engine.hasPrefix("oracle") { return 1521 }
        return 5432
    }

    static func defaultEngineVersion(_ engine: String) -> String {
        switch engine {
        case "postgres", "aurora-postgresql": "16.4"
        case "mysql": "8.0.39"
        case "aurora-mysql": "8.0.mysql_aurora.3.08.0"
        case "mariadb": "10.11.9"
        default: engine.hasPrefix("sqlserver") ? "16.00.4135.4.v1" : "1.0"
        }
    }
}

/// What the describe calls need of an RDS resource: its name (for paging) and ARN (for IAM).
public protocol MockRDSResource: Sendable {
    var identifier: String { get }
    var arn: String { get }
}

extension MockDBInstance: MockRDSResource {}
extension MockDBCluster: MockRDSResource {}
