import AWSAuth
import AWSMocks
import DBMocks
import Yams

/// The lab file's grammar, key by key.
struct LabFileParser {
    let root: YAMLReader

    func parse() throws(LabFileError) -> LabFile {
        let entries = try root.mapping(allowed: ["name", "region", "accounts", "backends", "databases", "secrets", "redshift_serverless", "imds", "ecs"])
        let region = try root.optional("region", in: entries)?.string() ?? "us-east-1"
        var lab = LabFile(
            name: try root.optional("name", in: entries)?.string() ?? "lab", region: region,
            accounts: [], backends: [], databases: [], instanceMetadata: nil, containerCredentials: nil
        )
        if let accounts = root.optional("accounts", in: entries) {
            for (id, account) in try accounts.mapping() { lab.accounts.append(try parseAccount(id: id, account)) }
        }
        if let backends = root.optional("backends", in: entries) {
            for (name, backend) in try backends.mapping() { lab.backends.append(try parseBackend(name: name, backend)) }
        }
        if let databases = root.optional("databases", in: entries) {
            for (identifier, database) in try databases.mapping() {
                lab.databases.append(try parseDatabase(identifier: identifier, database, lab: lab))
            }
        }
        if let secrets = root.optional("secrets", in: entries) {
            for (name, secret) in try secrets.mapping() {
                let fields = try secret.mapping(allowed: ["value", "description", "account"])
                lab.secrets.append(.init(
                    name: name, value: try secret.required("value", in: fields).string(),
                    description: try secret.optional("description", in: fields)?.string(),
                    account: try secret.optional("account", in: fields)?.string()
                ))
            }
        }
        if let redshift = root.optional("redshift_serverless", in: entries) {
            for (name, workgroup) in try redshift.mapping() {
                let fields = try workgroup.mapping(allowed: ["namespace", "account", "region"])
                let accountNode = try workgroup.required("account", in: fields)
                let account = try accountNode.string()
                guard lab.accounts.contains(where: { $0.id == account }) else {
                    throw accountNode.fail("account \(account) is not defined under accounts")
                }
                lab.workgroups.append(.init(
                    name: name, namespace: try workgroup.optional("namespace", in: fields)?.string() ?? "default",
                    account: account, region: try workgroup.optional("region", in: fields)?.string() ?? lab.region
                ))
            }
        }
        if let imds = root.optional("imds", in: entries) {
            let fields = try imds.mapping(allowed: ["mode", "role"])
            let mode = try imds.optional("mode", in: fields)?.string() ?? "normal"
            guard ["normal", "hop-limit-1", "v1-disabled", "no-role", "slow"].contains(mode) else {
                throw imds.fail("mode must be normal, hop-limit-1, v1-disabled, no-role or slow")
            }
            lab.instanceMetadata = .init(mode: mode, role: try imds.optional("role", in: fields)?.string())
        }
        if let ecs = root.optional("ecs", in: entries) {
            let fields = try ecs.mapping(allowed: ["role", "token"])
            lab.containerCredentials = .init(
                role: try ecs.required("role", in: fields).string(), token: try ecs.optional("token", in: fields)?.string()
            )
        }
        return lab
    }

    private func parseAccount(id: String, _ node: YAMLReader) throws(LabFileError) -> LabFile.Account {
        guard id.count == 12, id.allSatisfy(\.isNumber) else { throw node.fail("an account id is 12 digits, got '\(id)'") }
        var account = LabFile.Account(id: id)
        let fields = try node.mapping(allowed: ["users", "roles", "groups", "managed_policies"])
        if let users = node.optional("users", in: fields) {
            for (name, user) in try users.mapping() {
                let keys = try user.mapping(allowed: ["access_keys", "policies", "managed_policies", "groups", "permissions_boundary"])
                var entry = LabFile.User(name: name)
                if let accessKeys = user.optional("access_keys", in: keys) {
                    for key in try accessKeys.sequence() {
                        let parts = try key.mapping(allowed: ["id", "secret"])
                        entry.accessKeys.append(.init(id: try key.required("id", in: parts).string(), secret: try key.required("secret", in: parts).string()))
                    }
                }
                entry.policies = try policies(user.optional("policies", in: keys))
                entry.managedPolicies = try user.optional("managed_policies", in: keys)?.strings() ?? []
                entry.groups = try user.optional("groups", in: keys)?.strings() ?? []
                entry.permissionsBoundary = try user.optional("permissions_boundary", in: keys)?.string()
                account.users.append(entry)
            }
        }
        if let roles = node.optional("roles", in: fields) {
            for (name, role) in try roles.mapping() {
                let keys = try role.mapping(allowed: ["trust", "policies", "managed_policies", "permissions_boundary", "max_session_duration"])
                account.roles.append(LabFile.Role(
                    name: name, trust: try role.required("trust", in: keys).policyJSON(),
                    policies: try policies(role.optional("policies", in: keys)),
                    managedPolicies: try role.optional("managed_policies", in: keys)?.strings() ?? [],
                    permissionsBoundary: try role.optional("permissions_boundary", in: keys)?.string(),
                    maxSessionDuration: try role.optional("max_session_duration", in: keys)?.int(in: 3600...43200) ?? 3600
                ))
            }
        }
        if let groups = node.optional("groups", in: fields) {
            for (name, group) in try groups.mapping() {
                let keys = try group.mapping(allowed: ["policies", "managed_policies"])
                account.groups.append(.init(
                    name: name, policies: try policies(group.optional("policies", in: keys)),
                    managedPolicies: try group.optional("managed_policies", in: keys)?.strings() ?? []
                ))
            }
        }
        account.managedPolicies = try policies(node.optional("managed_policies", in: fields))
        return account
    }

    private func policies(_ node: YAMLReader?) throws(LabFileError) -> [String: String] {
        guard let node else { return [:] }
        var result: [String: String] = [:]
        for (name, document) in try node.mapping() { result[name] = try document.policyJSON() }
        return result
    }

    private func parseBackend(name: String, _ node: YAMLReader) throws(LabFileError) -> LabFile.Backend {
        let fields = try node.mapping(allowed: ["engine", "users", "databases"])
        let engineNode = try node.required("engine", in: fields)
        guard let engine = LabFile.Backend.Engine(rawValue: try engineNode.string()) else {
            throw engineNode.fail("engine must be postgres or mariadb")
        }
        var users: [LabFile.DatabaseUser] = []
        for item in try node.optional("users", in: fields)?.sequence() ?? [] {
            let user = try parseDatabaseUser(item, engine: engine)
            guard !users.contains(where: { $0.name == user.name }) else { throw item.fail("user \(user.name) is listed twice") }
            users.append(user)
        }
        return LabFile.Backend(
            name: name, engine: engine, users: users,
            databases: try node.optional("databases", in: fields)?.strings() ?? []
        )
    }

    /// `alice`; for postgres `{name: bob, rds_iam: false}` (not a member of rds_iam), for mariadb
    /// `{name: alice, password: alice-pw}` (a plain name has no password).
    private func parseDatabaseUser(_ node: YAMLReader, engine: LabFile.Backend.Engine) throws(LabFileError) -> LabFile.DatabaseUser {
        let user: LabFile.DatabaseUser
        let nameNode: YAMLReader
        switch node.node {
        case .scalar:
            nameNode = node
            user = LabFile.DatabaseUser(name: try node.string())
        case .mapping:
            let fields = try node.mapping(allowed: ["name", "rds_iam", "password"])
            nameNode = try node.required("name", in: fields)
            let rdsIAM = node.optional("rds_iam", in: fields)
            let password = node.optional("password", in: fields)
            if let rdsIAM, engine != .postgres {
                throw rdsIAM.fail("rds_iam is a PostgreSQL role: it goes with postgres backends")
            }
            if let password, engine != .mariadb {
                throw password.fail("passwords are for mariadb backends (postgres backends trust every local connection): list the plain name")
            }
            user = LabFile.DatabaseUser(
                name: try nameNode.string(), rdsIAM: try rdsIAM?.bool() ?? true, password: try password?.string()
            )
        default:
            throw node.fail("expected a user name, or a mapping like {name: bob, rds_iam: false}")
        }
        guard !user.name.isEmpty else { throw nameNode.fail("a user name cannot be empty") }
        return user
    }

    private func parseDatabase(identifier: String, _ node: YAMLReader, lab: LabFile) throws(LabFileError) -> LabFile.Database {
        let fields = try node.mapping(allowed: [
            "kind", "account", "region", "hostname", "port", "resource_id", "iam_auth", "certificate", "backend",
            "require_client_certificate",
        ])
        let kindNode = try node.required("kind", in: fields)
        guard let kind = LabFile.Database.Kind(rawValue: try kindNode.string()) else {
            throw kindNode.fail("kind must be one of \(LabFile.Database.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let accountNode = try node.required("account", in: fields)
        let account = try accountNode.string()
        guard lab.accounts.contains(where: { $0.id == account }) else {
            throw accountNode.fail("account \(account) is not defined under accounts")
        }
        let region = try node.optional("region", in: fields)?.string() ?? lab.region
        let hostname: String
        switch kind {
        case .rdsInstance: hostname = "\(identifier).abcdefghijkl.\(region).rds.amazonaws.com"
        case .auroraCluster: hostname = "\(identifier).cluster-abcdefghijkl.\(region).rds.amazonaws.com"
        case .rdsProxy: hostname = "\(identifier).proxy-abcdefghijkl.\(region).rds.amazonaws.com"
        }
        let chosenHost = try node.optional("hostname", in: fields)?.string() ?? hostname
        if let hostNode = node.optional("hostname", in: fields) {
            do { _ = try DatabaseEndpoint.parse(chosenHost) } catch { throw hostNode.fail("\(error)") }
        }
        let prefix = switch kind {
        case .rdsInstance: "db-"
        case .auroraCluster: "cluster-"
        case .rdsProxy: "prx-"
        }
        let backendNode = try node.required("backend", in: fields)
        let backend = try backendNode.string()
        guard let backendEngine = lab.backends.first(where: { $0.name == backend })?.engine else {
            throw backendNode.fail("backend \(backend) is not defined under backends")
        }
        guard backendEngine == .postgres else {
            throw backendNode.fail(
                "backend \(backend) is a mariadb backend: MySQL endpoints arrive with the MySQL tunnel (clients reach it directly for now)"
            )
        }
        var certificate = CertificateProfile.valid
        if let certificateNode = node.optional("certificate", in: fields) {
            guard let profile = CertificateProfile(rawValue: try certificateNode.string()) else {
                throw certificateNode.fail("certificate must be one of \(CertificateProfile.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            certificate = profile
        }
        return LabFile.Database(
            identifier: identifier, kind: kind, account: account, region: region, hostname: chosenHost,
            port: try node.optional("port", in: fields)?.int(in: 1...65535) ?? 5432,
            resourceID: try node.optional("resource_id", in: fields)?.string()
                ?? MockIdentifiers.stable(prefix: prefix, seed: "\(account)/\(identifier)", length: 26),
            iamAuth: try node.optional("iam_auth", in: fields)?.bool() ?? true,
            certificate: certificate, backend: backend,
            requireClientCertificate: try node.optional("require_client_certificate", in: fields)?.bool() ?? false
        )
    }
}
