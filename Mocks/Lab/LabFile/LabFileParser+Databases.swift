import AWSAuth
import AWSMocks
import DBMocks

/// The lab file's `databases`: RDS instances, Aurora clusters and RDS Proxies. Those with a
/// `backend` get a mock endpoint in front of it; the others are in the RDS API only.
extension LabFileParser {
    /// The engines a kind of database may have, the default first; for proxies, engine families.
    static let engines: [LabFile.Database.Kind: [String]] = [
        .rdsInstance: [
            "postgres", "aurora-postgresql", "mysql", "aurora-mysql", "mariadb",
            "oracle-ee", "oracle-se2", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web",
        ],
        .auroraCluster: ["aurora-postgresql", "aurora-mysql"],
        .rdsProxy: ["POSTGRESQL", "MYSQL", "SQLSERVER"],
    ]

    /// The engines a mock endpoint speaks (PostgreSQL): the only ones a database with a backend may have.
    static let endpointEngines: Set<String> = ["postgres", "aurora-postgresql", "POSTGRESQL"]

    /// Keys only some kinds take.
    static let keysOfKind: [String: LabFile.Database.Kind] = [
        "cluster": .rdsInstance, "engine_family": .rdsProxy, "require_tls": .rdsProxy, "endpoints": .rdsProxy,
    ]

    /// Every database, then each instance's `cluster` (members may come before their cluster;
    /// they take its engine and port unless given).
    func parseDatabases(_ node: YAMLReader, into lab: inout LabFile) throws(LabFileError) {
        var memberships: [(index: Int, node: YAMLReader, engineGiven: Bool, portGiven: Bool)] = []
        for (identifier, database) in try node.mapping() {
            let fields = try database.mapping(allowed: [
                "kind", "account", "region", "hostname", "port", "resource_id", "iam_auth", "certificate", "backend",
                "require_client_certificate", "engine", "tags", "cluster", "engine_family", "require_tls", "endpoints",
            ])
            lab.databases.append(try parseDatabase(identifier: identifier, database, fields: fields, lab: lab))
            if let cluster = database.optional("cluster", in: fields) {
                memberships.append((
                    lab.databases.count - 1, cluster, database.optional("engine", in: fields) != nil, database.optional("port", in: fields) != nil
                ))
            }
        }
        for membership in memberships {
            let member = lab.databases[membership.index]
            let name = try membership.node.string()
            guard let cluster = lab.databases.first(where: {
                $0.kind == .auroraCluster && $0.identifier == name && $0.account == member.account && $0.region == member.region
            }) else {
                throw membership.node.fail("cluster \(name) is not an aurora-cluster database of this lab (in the instance's account and region)")
            }
            // A member is of its cluster's engine, on its port, unless the file says otherwise.
            if !membership.engineGiven { lab.databases[membership.index].engine = cluster.engine }
            if !membership.portGiven { lab.databases[membership.index].port = cluster.port }
            lab.databases[membership.index].cluster = name
        }
    }

    private func parseDatabase(
        identifier: String, _ node: YAMLReader, fields: [(key: String, value: YAMLReader)], lab: LabFile
    ) throws(LabFileError) -> LabFile.Database {
        let kindNode = try node.required("kind", in: fields)
        guard let kind = LabFile.Database.Kind(rawValue: try kindNode.string()) else {
            throw kindNode.fail("kind must be one of \(LabFile.Database.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (key, value) in fields {
            if let only = Self.keysOfKind[key], only != kind { throw value.fail("\(key) is for \(only.rawValue) databases") }
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
        let prefix = switch kind {
        case .rdsInstance: "db-"
        case .auroraCluster: "cluster-"
        case .rdsProxy: "prx-"
        }
        let engine = try parseEngine(node, fields: fields, kind: kind)
        let backend = try parseBackendName(node, fields: fields, engine: engine, lab: lab)
        let proxy = kind == .rdsProxy ? try parseProxy(node, fields: fields) : nil
        var iamAuth = proxy.map { $0.iamAuth != "DISABLED" } ?? true
        if proxy == nil, let iamNode = node.optional("iam_auth", in: fields) { iamAuth = try iamNode.bool() }
        return LabFile.Database(
            identifier: identifier, kind: kind, account: account, region: region,
            hostname: try Self.hostname(node.optional("hostname", in: fields)) ?? hostname,
            port: try node.optional("port", in: fields)?.int(in: 1...65535) ?? MockDBInstance.defaultPort(engine: engine.lowercased()),
            resourceID: try node.optional("resource_id", in: fields)?.string()
                ?? MockIdentifiers.stable(prefix: prefix, seed: "\(account)/\(identifier)", length: 26),
            iamAuth: iamAuth,
            certificate: try parseCertificate(node.optional("certificate", in: fields)) ?? .valid,
            backend: backend,
            requireClientCertificate: try node.optional("require_client_certificate", in: fields)?.bool() ?? false,
            engine: engine, tags: try tags(node.optional("tags", in: fields)), proxy: proxy
        )
    }

    private func parseEngine(_ node: YAMLReader, fields: [(key: String, value: YAMLReader)], kind: LabFile.Database.Kind) throws(LabFileError) -> String {
        let engines = Self.engines[kind] ?? []
        let key = kind == .rdsProxy ? "engine_family" : "engine"
        if kind == .rdsProxy, let engine = node.optional("engine", in: fields) {
            throw engine.fail("a proxy has an engine_family (\(engines.joined(separator: ", "))), not an engine")
        }
        guard let engineNode = node.optional(key, in: fields) else { return engines[0] }
        let engine = try engineNode.string()
        guard engines.contains(engine) else {
            throw engineNode.fail("\(key) of an \(kind.rawValue) must be one of \(engines.joined(separator: ", ")), got '\(engine)'")
        }
        return engine
    }

    /// The backend behind the mock endpoint: a postgres backend of the lab, for a PostgreSQL engine.
    /// Without one the database is in the RDS API only, and endpoint settings make no sense.
    private func parseBackendName(
        _ node: YAMLReader, fields: [(key: String, value: YAMLReader)], engine: String, lab: LabFile
    ) throws(LabFileError) -> String? {
        guard let backendNode = node.optional("backend", in: fields) else {
            for key in ["certificate", "require_client_certificate"] {
                if let value = node.optional(key, in: fields) {
                    throw value.fail("\(key) is the mock endpoint's: it goes with a backend (a database without one is in the RDS API only)")
                }
            }
            return nil
        }
        let backend = try backendNode.string()
        guard let backendEngine = lab.backends.first(where: { $0.name == backend })?.engine else {
            throw backendNode.fail("backend \(backend) is not defined under backends")
        }
        guard backendEngine == .postgres else {
            throw backendNode.fail(
                "backend \(backend) is a mariadb backend: MySQL endpoints arrive with the MySQL tunnel (clients reach it directly for now)"
            )
        }
        guard Self.endpointEngines.contains(engine) else {
            throw backendNode.fail("a mock endpoint speaks PostgreSQL, not \(engine): leave out backend for a database in the RDS API only")
        }
        return backend
    }

    private func parseCertificate(_ node: YAMLReader?) throws(LabFileError) -> CertificateProfile? {
        guard let node else { return nil }
        guard let profile = CertificateProfile(rawValue: try node.string()) else {
            throw node.fail("certificate must be one of \(CertificateProfile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return profile
    }

    /// A hostname written in the file, checked against RDS's naming rules.
    private static func hostname(_ node: YAMLReader?) throws(LabFileError) -> String? {
        guard let node else { return nil }
        let hostname = try node.string()
        do { _ = try DatabaseEndpoint.parse(hostname) } catch { throw node.fail("\(error)") }
        return hostname
    }

    /// `iam_auth` (true, false, or REQUIRED / ENABLED / DISABLED), `require_tls` and `endpoints`
    /// (`{orders-ro: {target_role: READ_ONLY}}`).
    private func parseProxy(_ node: YAMLReader, fields: [(key: String, value: YAMLReader)]) throws(LabFileError) -> LabFile.Proxy {
        var iamAuth = "REQUIRED"
        if let iamNode = node.optional("iam_auth", in: fields) {
            let text = try iamNode.string()
            if ["REQUIRED", "ENABLED", "DISABLED"].contains(text) {
                iamAuth = text
            } else {
                guard let enabled = try? iamNode.bool() else {
                    throw iamNode.fail("iam_auth of a proxy is true (REQUIRED), false (DISABLED), REQUIRED, ENABLED or DISABLED, got '\(text)'")
                }
                iamAuth = enabled ? "REQUIRED" : "DISABLED"
            }
        }
        var proxy = LabFile.Proxy(iamAuth: iamAuth, requireTLS: try node.optional("require_tls", in: fields)?.bool() ?? true)
        for (name, endpoint) in try node.optional("endpoints", in: fields)?.mapping() ?? [] {
            let keys = try endpoint.mapping(allowed: ["target_role", "hostname"])
            let roleNode = endpoint.optional("target_role", in: keys)
            let targetRole = try roleNode?.string() ?? "READ_WRITE"
            guard ["READ_WRITE", "READ_ONLY"].contains(targetRole) else {
                throw (roleNode ?? endpoint).fail("target_role must be READ_WRITE or READ_ONLY, got '\(targetRole)'")
            }
            proxy.endpoints.append(.init(name: name, targetRole: targetRole, hostname: try Self.hostname(endpoint.optional("hostname", in: keys))))
        }
        return proxy
    }
}
