import Foundation

extension LabRuntime {
    /// Starts an `engine: mariadb` backend with the lab file's users (`'name'@'%'`, with their
    /// password if they have one) and databases, every user with all privileges on every
    /// database of the backend.
    static func startMariaDB(_ backend: LabFile.Backend) throws -> MariaDBServer {
        let server = try MariaDBServer.start()
        var setup = ""
        for database in backend.databases { setup += "create database \(Self.mariadbIdentifier(database));\n" }
        for user in backend.users {
            let account = "\(Self.mariadbString(user.name))@'%'"
            setup += "create user \(account)" + (user.password.map { " identified by \(Self.mariadbString($0))" } ?? "") + ";\n"
            for database in backend.databases {
                setup += "grant all privileges on \(Self.mariadbIdentifier(database)).* to \(account);\n"
            }
        }
        do {
            if !setup.isEmpty { _ = try server.sql(setup) }
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Stops the backend called `name`, whatever its engine (a scenario's `stop_backend`).
    public func stopBackend(_ name: String) {
        backends[name]?.stop()
        mariadbBackends[name]?.stop()
    }

    /// `DBTUNNEL_LAB_BACKEND_<NAME>_HOST` and `_PORT` for each mariadb backend, which clients
    /// reach directly until MySQL endpoints arrive with the MySQL tunnel.
    var mariadbVariables: [(String, String)] {
        mariadbBackends.sorted { $0.key < $1.key }.flatMap { name, server in
            let variable = "DBTUNNEL_LAB_BACKEND_" + String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            return [(variable + "_HOST", server.host), (variable + "_PORT", String(server.port))]
        }
    }

    /// A quoted string literal ('it''s'; backslashes doubled, as MariaDB's default sql_mode reads them).
    private static func mariadbString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A quoted identifier (`my``db`).
    private static func mariadbIdentifier(_ text: String) -> String {
        "`" + text.replacingOccurrences(of: "`", with: "``") + "`"
    }
}
