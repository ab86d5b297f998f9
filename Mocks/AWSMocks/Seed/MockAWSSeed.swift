import Foundation

/// What a lab starts with, read from JSON (`dbtunnel lab aws --seed FILE`). Every list is optional;
/// `account` and `region` default each entity's. Roles are named by name or ARN.
///
/// ```json
/// {
///   "account": "111111111111", "region": "us-east-1",
///   "users": [{"name": "alice", "accessKeyId": "AKIA…", "secretAccessKey": "…", "policies": {"db": {"Version": "2012-10-17", "Statement": []}}}],
///   "roles": [{"name": "app", "trustPolicy": {…}, "policies": {…}, "maxSessionDuration": 3600}],
///   "rds": {
///     "instances": [{"id": "mydb", "engine": "postgres", "iamAuth": true, "address": "…", "port": 5432, "tags": {"team": "db"}}],
///     "clusters": [{"id": "aurora", "engine": "aurora-postgresql", "members": ["aurora-1"], "iamAuth": true}],
///     "proxies": [{"name": "px", "engineFamily": "POSTGRESQL", "requireTLS": true, "iamAuth": "REQUIRED",
///                  "endpoints": [{"name": "px-ro", "targetRole": "READ_ONLY"}]}]
///   },
///   "secrets": [{"name": "app/db", "secretString": "…", "description": "…"}],
///   "redshiftServerless": {"workgroups": [{"name": "analytics", "namespace": "main"}]},
///   "instanceMetadata": {"role": "ec2-role"},
///   "containerCredentials": {"role": "task-role", "authorizationToken": "…"}
/// }
/// ```
public struct MockAWSSeed: Decodable, Sendable {
    public static let defaultAccount = "111111111111"
    public static let defaultRegion = "us-east-1"

    struct User: Decodable, Sendable {
        let name: String
        let account: String?
        let accessKeyId: String?
        let secretAccessKey: String?
        let policies: [String: JSONText]?
        let managedPolicies: [String]?
        let groups: [String]?
        let permissionsBoundary: String?
    }

    struct Role: Decodable, Sendable {
        let name: String
        let account: String?
        let trustPolicy: JSONText?
        let policies: [String: JSONText]?
        let managedPolicies: [String]?
        let permissionsBoundary: String?
        let maxSessionDuration: Int?
    }

    struct Group: Decodable, Sendable {
        let name: String
        let account: String?
        let policies: [String: JSONText]?
        let managedPolicies: [String]?
    }

    struct ManagedPolicy: Decodable, Sendable {
        let arn: String
        let document: JSONText
    }

    struct Instance: Decodable, Sendable {
        let id: String
        let account: String?
        let region: String?
        let engine: String?
        let engineVersion: String?
        let instanceClass: String?
        let status: String?
        let masterUsername: String?
        let dbName: String?
        let address: String?
        let port: Int?
        let iamAuth: Bool?
        let cluster: String?
        let resourceId: String?
        let tags: [String: String]?
    }

    struct Cluster: Decodable, Sendable {
        let id: String
        let account: String?
        let region: String?
        let engine: String?
        let engineVersion: String?
        let status: String?
        let masterUsername: String?
        let dbName: String?
        let endpoint: String?
        let readerEndpoint: String?
        let port: Int?
        let members: [String]?
        let iamAuth: Bool?
        let resourceId: String?
        let tags: [String: String]?
    }

    struct ProxyEndpoint: Decodable, Sendable {
        let name: String
        let endpoint: String?
        let targetRole: String?
    }

    struct Proxy: Decodable, Sendable {
        let name: String
        let account: String?
        let region: String?
        let engineFamily: String?
        let endpoint: String?
        let requireTLS: Bool?
        /// DISABLED | REQUIRED | ENABLED.
        let iamAuth: String?
        let secretArn: String?
        let status: String?
        let roleArn: String?
        let endpoints: [ProxyEndpoint]?
        let tags: [String: String]?
    }

    struct RDS: Decodable, Sendable {
        let instances: [Instance]?
        let clusters: [Cluster]?
        let proxies: [Proxy]?
    }

    struct Secret: Decodable, Sendable {
        let name: String
        let account: String?
        let region: String?
        let secretString: String?
        let description: String?
        let tags: [String: String]?
    }

    struct Workgroup: Decodable, Sendable {
        let name: String
        let namespace: String?
        let account: String?
        let region: String?
        let address: String?
        let port: Int?
        let status: String?
    }

    struct RedshiftServerless: Decodable, Sendable {
        let workgroups: [Workgroup]?
    }

    struct InstanceMetadata: Decodable, Sendable {
        let role: String?
        let region: String?
    }

    struct ContainerCredentials: Decodable, Sendable {
        let role: String?
        let authorizationToken: String?
    }

    let account: String?
    let region: String?
    let users: [User]?
    let roles: [Role]?
    let groups: [Group]?
    let managedPolicies: [ManagedPolicy]?
    let rds: RDS?
    let secrets: [Secret]?
    let redshiftServerless: RedshiftServerless?
    let instanceMetadata: InstanceMetadata?
    let containerCredentials: ContainerCredentials?

    /// An empty lab.
    public init() {
        account = nil; region = nil; users = nil; roles = nil; groups = nil; managedPolicies = nil; rds = nil
        secrets = nil; redshiftServerless = nil; instanceMetadata = nil; containerCredentials = nil
    }

    public var defaultAccount: String { account ?? Self.defaultAccount }
    public var defaultRegion: String { region ?? Self.defaultRegion }

    /// Parses seed JSON; the error names the path of what did not fit.
    public static func parse(_ data: Data) throws(MockAWSSeedError) -> MockAWSSeed {
        do {
            return try JSONDecoder().decode(MockAWSSeed.self, from: data)
        } catch let error as DecodingError {
            throw MockAWSSeedError(code: .invalidJSON, detail: MockAWSSeedError.describe(error), underlying: error)
        } catch {
            throw MockAWSSeedError(code: .invalidJSON, detail: "\(error)", underlying: error)
        }
    }

    public static func load(path: String) throws(MockAWSSeedError) -> MockAWSSeed {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw MockAWSSeedError(code: .unreadable, detail: "cannot read \(path): \(error.localizedDescription)", underlying: error)
        }
        return try parse(data)
    }
}
