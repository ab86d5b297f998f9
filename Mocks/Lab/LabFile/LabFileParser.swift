import Yams

/// The lab file's grammar, key by key.
struct LabFileParser {
    let root: YAMLReader

    func parse() throws(LabFileError) -> LabFile {
        let entries = try root.mapping(allowed: ["name", "region", "accounts", "backends", "databases", "secrets", "redshift_serverless", "imds", "ecs"])
        var lab = LabFile.empty
        lab.name = try root.optional("name", in: entries)?.string() ?? lab.name
        lab.region = try root.optional("region", in: entries)?.string() ?? lab.region
        if let accounts = root.optional("accounts", in: entries) {
            for (id, account) in try accounts.mapping() { lab.accounts.append(try parseAccount(id: id, account)) }
        }
        if let backends = root.optional("backends", in: entries) {
            for (name, backend) in try backends.mapping() { lab.backends.append(try parseBackend(name: name, backend)) }
        }
        if let databases = root.optional("databases", in: entries) {
            try parseDatabases(databases, into: &lab)
        }
        if let secrets = root.optional("secrets", in: entries) {
            for (name, secret) in try secrets.mapping() {
                let fields = try secret.mapping(allowed: ["value", "description", "account", "tags"])
                lab.secrets.append(.init(
                    name: name, value: try secret.required("value", in: fields).string(),
                    description: try secret.optional("description", in: fields)?.string(),
                    account: try secret.optional("account", in: fields)?.string(),
                    tags: try tags(secret.optional("tags", in: fields))
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
            var metadata = LabFile.InstanceMetadata(mode: mode)
            if let role = imds.optional("role", in: fields) { metadata.role = try roleARN(role, lab: lab) }
            lab.instanceMetadata = metadata
        }
        if let ecs = root.optional("ecs", in: entries) {
            let fields = try ecs.mapping(allowed: ["role", "token"])
            lab.containerCredentials = .init(
                role: try roleARN(ecs.required("role", in: fields), lab: lab), token: try ecs.optional("token", in: fields)?.string()
            )
        }
        return lab
    }

    /// A role's ARN that must name a role under `accounts` (what instance metadata and container
    /// credentials hand out).
    private func roleARN(_ node: YAMLReader, lab: LabFile) throws(LabFileError) -> String {
        let arn = try node.string()
        let defined = lab.accounts.contains { account in account.roles.contains { "arn:aws:iam::\(account.id):role/\($0.name)" == arn } }
        guard defined else { throw node.fail("role \(arn) is not defined under accounts (write its ARN, arn:aws:iam::<account>:role/<name>)") }
        return arn
    }

    /// `{key: value, …}`: a resource's tags.
    func tags(_ node: YAMLReader?) throws(LabFileError) -> [String: String] {
        var tags: [String: String] = [:]
        for (key, value) in try node?.mapping() ?? [] { tags[key] = try value.string() }
        return tags
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
                    name: name, trust: try role.optional("trust", in: keys)?.policyJSON() ?? LabFile.Role.defaultTrust(account: id),
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
}
