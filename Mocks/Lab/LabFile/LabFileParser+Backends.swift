import Yams

extension LabFileParser {
    /// A backend's `users:` list. Plain names everywhere; for a mariadb backend an entry may
    /// also be `{name: alice, password: secret}` (a plain name has no password). PostgreSQL
    /// backends trust every local connection, so a password there is a mistake:
    ///
    ///     backends:
    ///       my:
    ///         engine: mariadb
    ///         users: [{name: alice, password: alice-pw}, bob]
    ///         databases: [app]
    func parseBackendUsers(_ node: YAMLReader, into backend: inout LabFile.Backend) throws(LabFileError) {
        for entry in try node.sequence() {
            guard case .mapping = entry.node else {
                backend.users.append(try entry.string())
                continue
            }
            let fields = try entry.mapping(allowed: ["name", "password"])
            let name = try entry.required("name", in: fields).string()
            backend.users.append(name)
            if let password = entry.optional("password", in: fields) {
                guard backend.engine == .mariadb else {
                    throw password.fail("passwords are for mariadb backends (postgres backends trust every local connection): list the plain name")
                }
                backend.passwords[name] = try password.string()
            }
        }
    }
}
