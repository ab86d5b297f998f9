import AWSAuth
import DBMocks
import Foundation

/// A lab: one YAML file describing a small AWS world and the databases in it.
/// See `Mocks/labs/default.yaml` for most keys, `Tests/python/labs/mock-aws.yaml` for databases
/// in the RDS API only (no backend), engines, tags, Aurora members and proxy endpoints.
public struct LabFile: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var id: String
        public var users: [User] = []
        public var roles: [Role] = []
        public var groups: [Group] = []
        /// Customer managed policies: name → document (ARN `arn:aws:iam::<id>:policy/<name>`).
        public var managedPolicies: [String: String] = [:]
    }

    public struct AccessKey: Sendable, Equatable {
        public var id: String
        public var secret: String
    }

    public struct User: Sendable, Equatable {
        public var name: String
        public var accessKeys: [AccessKey] = []
        public var policies: [String: String] = [:]
        public var managedPolicies: [String] = []
        public var groups: [String] = []
        public var permissionsBoundary: String?
    }

    public struct Role: Sendable, Equatable {
        public var name: String
        /// The trust policy; a role written without `trust` trusts its account, EC2 and ECS tasks
        /// (`Role.defaultTrust`).
        public var trust: String
        public var policies: [String: String] = [:]
        public var managedPolicies: [String] = []
        public var permissionsBoundary: String?
        public var maxSessionDuration = 3600

        /// The trust policy of a role written without one: the account, EC2 and ECS tasks may
        /// assume it (so instance metadata and container credentials can hand it out).
        public static func defaultTrust(account: String) -> String {
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):root","#
                + #""Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#
        }
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var policies: [String: String] = [:]
        public var managedPolicies: [String] = []
    }

    public struct Backend: Sendable, Equatable {
        public enum Engine: String, Sendable, Equatable { case postgres, mariadb }
        public var name: String
        public var engine: Engine
        /// Database roles (login) created in the backend; for mariadb, users `'name'@'%'` with
        /// every privilege on the backend's databases.
        public var users: [DatabaseUser] = []
        public var databases: [String] = []
    }

    /// A login role in a backend. RDS lets a PostgreSQL user sign in with an IAM token only when
    /// it is a member of `rds_iam`; the lab grants that unless told not to
    /// (`{name: bob, rds_iam: false}`). MariaDB users may have a password (`{name, password}`).
    public struct DatabaseUser: Sendable, Equatable {
        public var name: String
        /// postgres: `GRANT rds_iam TO <name>` when the backend starts.
        public var rdsIAM: Bool
        /// mariadb: `IDENTIFIED BY`; nil signs in without a password.
        public var password: String?

        public init(name: String, rdsIAM: Bool = true, password: String? = nil) {
            self.name = name
            self.rdsIAM = rdsIAM
            self.password = password
        }
    }

    public struct Database: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable, CaseIterable {
            case rdsInstance = "rds-instance"
            case auroraCluster = "aurora-cluster"
            case rdsProxy = "rds-proxy"
        }
        public var identifier: String
        public var kind: Kind
        public var account: String
        public var region: String
        public var hostname: String
        public var port: Int
        public var resourceID: String
        public var iamAuth: Bool
        public var certificate: CertificateProfile
        /// The backend behind the database's mock endpoint; nil: the database is in the RDS API
        /// only (no endpoint, no backend).
        public var backend: String?
        public var requireClientCertificate: Bool
        /// RDS's engine (`postgres`, `mysql`, `aurora-postgresql`, …); for a proxy, its engine
        /// family (`POSTGRESQL`, `MYSQL`, `SQLSERVER`).
        public var engine: String
        /// Tags, as the Describe calls list them (sorted by key).
        public var tags: [String: String] = [:]
        /// An instance's Aurora cluster: an `aurora-cluster` database of the lab, whose members
        /// are the instances naming it (in file order, the first its writer).
        public var cluster: String?
        /// A proxy's settings; nil for instances and clusters.
        public var proxy: Proxy?
    }

    /// What an RDS Proxy has beyond its default endpoint's hostname and port.
    public struct Proxy: Sendable, Equatable {
        /// REQUIRED, ENABLED or DISABLED (`iam_auth: true` is REQUIRED, `false` DISABLED).
        public var iamAuth: String
        public var requireTLS = true
        /// More endpoints besides `default` (read/write).
        public var endpoints: [ProxyEndpoint] = []
    }

    /// A proxy endpoint (`<name>.endpoint.proxy-…` unless `hostname` says otherwise), API side only.
    public struct ProxyEndpoint: Sendable, Equatable {
        public var name: String
        /// READ_WRITE or READ_ONLY.
        public var targetRole: String
        public var hostname: String?
    }

    public struct Secret: Sendable, Equatable {
        public var name: String
        public var value: String
        public var description: String?
        public var account: String?
        public var tags: [String: String] = [:]
    }

    /// A Redshift Serverless workgroup (API side: GetWorkgroup, GetCredentials; its database
    /// endpoint arrives with the Redshift tunnel).
    public struct Workgroup: Sendable, Equatable {
        public var name: String
        public var namespace: String
        public var account: String
        public var region: String
    }

    public struct InstanceMetadata: Sendable, Equatable {
        public var mode: String = "normal"
        public var role: String?
    }

    public struct ContainerCredentials: Sendable, Equatable {
        public var role: String
        public var token: String?
    }

    public var name: String
    public var region: String
    public var accounts: [Account]
    public var backends: [Backend]
    public var databases: [Database]
    public var secrets: [Secret] = []
    public var workgroups: [Workgroup] = []
    public var instanceMetadata: InstanceMetadata?
    public var containerCredentials: ContainerCredentials?

    /// A lab with nothing in it (`dbtunnel lab aws` without a file).
    public static let empty = LabFile(name: "lab", region: "us-east-1", accounts: [], backends: [], databases: [])

    /// Reads and checks a lab file; any problem is a `LabFileError` with file and line.
    public static func load(path: String) throws(LabFileError) -> LabFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LabFileError(file: path, line: 0, column: 0, message: "cannot read the lab file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(LabFileError) -> LabFile {
        try LabFileParser(root: YAMLReader.parse(text, file: file)).parse()
    }
}
