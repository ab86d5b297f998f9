import Foundation
import Testing
@testable import Lab

@Suite("Lab file")
struct LabFileTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func defaultLabParses() throws {
        let lab = try LabFile.load(path: Self.repositoryRoot.appendingPathComponent("Mocks/labs/default.yaml").path)
        #expect(lab.name == "default")
        let account = try #require(lab.accounts.first)
        #expect(account.id == "111111111111")
        #expect(account.users.map(\.name) == ["alice", "ops"])
        #expect(account.users[0].accessKeys.first?.id == "AKIAIOSFODNN7EXAMPLE")
        let policy = try #require(account.users[0].policies["connect-mydb"])
        // YAML mappings become JSON, with "2012-10-17" kept a string.
        #expect(policy.contains("\"Version\":\"2012-10-17\""))
        #expect(account.roles.first?.trust.contains("arn:aws:iam::111111111111:user/alice") == true)
        #expect(lab.databases.first?.hostname == "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com")
        #expect(lab.databases.first?.resourceID == "db-MYDBEXAMPLERESOURCE0000001")
        #expect(lab.backends.first?.users == [.init(name: "alice"), .init(name: "reader")])
        #expect(lab.secrets.map(\.name) == ["mydb/alice"])
        #expect(lab.workgroups.map(\.name) == ["analytics"])
    }

    /// An account with one role, a postgres backend, and the start of database `d` (line 8 on).
    static let databasePrefix = """
        accounts:
          "111111111111":
            roles: {app: {}}
        backends:
          pg: {engine: postgres}
        databases:
          d:
            account: "111111111111"

        """

    static let backendPrefix = "backends:\n  pg:\n    engine: postgres\n    users:\n"

    @Test func backendUsersArePlainNamesOrMappingsWithRDSIAM() throws {
        let lab = try LabFile.parse(Self.backendPrefix + "      - alice\n      - {name: bob, rds_iam: false}\n      - name: carol\n        rds_iam: yes\n", file: "users.yaml")
        #expect(lab.backends.first?.users == [
            .init(name: "alice", rdsIAM: true), .init(name: "bob", rdsIAM: false), .init(name: "carol", rdsIAM: true),
        ])
    }

    @Test func backendSetupCreatesRDSIAMAndGrantsItToItsUsers() throws {
        let backend = LabFile.Backend(
            name: "pg", engine: .postgres, users: [.init(name: "alice"), .init(name: "bob", rdsIAM: false), .init(name: "odd\"name")],
            databases: ["app"]
        )
        #expect(LabRuntime.setupSQL(backend) == """
            create role rds_iam;
            create role "alice" login;
            grant rds_iam to "alice";
            create role "bob" login;
            create role "odd""name" login;
            grant rds_iam to "odd""name";
            create database "app";

            """)
    }

    @Test(arguments: [
        (backendPrefix + "      - {name: bob, rds_iam: false, superuser: true}\n", 5, 37, "backends.pg.users.[0]: unknown key 'superuser'; expected one of: name, password, rds_iam"),
        (backendPrefix + "      - alice\n      - {name: bob, rds_iam: maybe}\n", 6, 30, "backends.pg.users.[1].rds_iam: expected true or false, got 'maybe'"),
        (backendPrefix + "      - {rds_iam: false}\n", 5, 9, "backends.pg.users.[0]: missing required key 'name'"),
        (backendPrefix + "      - [alice]\n", 5, 9, "backends.pg.users.[0]: expected a user name, or a mapping like {name: bob, rds_iam: false}"),
        (backendPrefix + "      - {name: [bob]}\n", 5, 16, "backends.pg.users.[0].name: expected a text value"),
        (backendPrefix + "      - {name: ''}\n", 5, 16, "a user name cannot be empty"),
        (backendPrefix + "      - bob\n      - {name: bob, rds_iam: false}\n", 6, 9, "user bob is listed twice"),
        ("backends:\n  pg:\n    engine: postgres\n    users: alice\n", 4, 12, "backends.pg.users: expected a list"),
    ])
    func badBackendUserNamesFileLineAndColumn(text: String, line: Int, column: Int, message: String) {
        #expect {
            try LabFile.parse(text, file: "users.yaml")
        } throws: { isLabFileError($0, file: "users.yaml", line: line, column: column, message: message) }
    }

    @Test func mariadbBackendsTakeUsersWithAndWithoutPasswords() throws {
        let lab = try LabFile.load(path: Self.repositoryRoot.appendingPathComponent("Mocks/labs/mariadb.yaml").path)
        let backend = try #require(lab.backends.first)
        #expect(backend.engine == .mariadb)
        #expect(backend.users == [.init(name: "alice", password: "alice-secret"), .init(name: "bob")])
        #expect(backend.databases == ["app"])
        #expect(lab.databases.isEmpty)
    }

    @Test(arguments: [
        ("name: x\nacounts: {}\n", 2, "unknown key 'acounts'"),
        ("accounts:\n  \"123\": {}\n", 2, "an account id is 12 digits"),
        ("accounts:\n  \"111111111111\":\n    users:\n      bob:\n        access_keys: nope\n", 5, "accounts.111111111111.users.bob.access_keys: expected a list"),
        ("backends:\n  pg: {engine: oracle}\n", 2, "engine must be postgres"),
        ("accounts:\n  \"111111111111\": {}\nbackends:\n  pg: {engine: postgres}\ndatabases:\n  d:\n    kind: rds-instance\n    account: \"222222222222\"\n    backend: pg\n", 8, "account 222222222222 is not defined"),
        ("accounts:\n  \"111111111111\": {}\nbackends:\n  pg: {engine: postgres}\ndatabases:\n  d:\n    kind: mainframe\n    account: \"111111111111\"\n    backend: pg\n", 7, "kind must be one of rds-instance"),
        ("accounts:\n  \"111111111111\": {}\nbackends:\n  pg: {engine: postgres}\ndatabases:\n  d:\n    kind: rds-instance\n    account: \"111111111111\"\n    backend: pg\n    port: 70000\n", 10, "expected a number from 1 to 65535"),
        ("accounts:\n  \"111111111111\":\n    roles:\n      r:\n        trust: not json\n", 5, "expected a policy document"),
        ("backends:\n  pg:\n    engine: postgres\n    users: [{name: alice, password: pw}]\n", 4, "passwords are for mariadb backends"),
        ("backends:\n  my:\n    engine: mariadb\n    users:\n      - {name: alice, pasword: pw}\n", 5, "unknown key 'pasword'; expected one of: name, password"),
        ("backends:\n  my:\n    engine: mariadb\n    users:\n      - {password: pw}\n", 5, "backends.my.users.[0]: missing required key 'name'"),
        ("accounts:\n  \"111111111111\": {}\nbackends:\n  my: {engine: mariadb}\ndatabases:\n  d:\n    kind: rds-instance\n    account: \"111111111111\"\n    backend: my\n", 9, "backend my is a mariadb backend: MySQL endpoints arrive with the MySQL tunnel"),
        (databasePrefix + "    kind: rds-instance\n    cluster: c\n", 10, "databases.d.cluster: cluster c is not an aurora-cluster database of this lab"),
        (databasePrefix + "    kind: aurora-cluster\n    cluster: c\n", 10, "databases.d.cluster: cluster is for rds-instance databases"),
        (databasePrefix + "    kind: rds-instance\n    endpoints: {}\n", 10, "endpoints is for rds-proxy databases"),
        (databasePrefix + "    kind: rds-instance\n    engine: db2\n", 10, "engine of an rds-instance must be one of postgres, aurora-postgresql, mysql"),
        (databasePrefix + "    kind: aurora-cluster\n    engine: postgres\n", 10, "engine of an aurora-cluster must be one of aurora-postgresql, aurora-mysql"),
        (databasePrefix + "    kind: rds-proxy\n    engine: postgres\n", 10, "a proxy has an engine_family (POSTGRESQL, MYSQL, SQLSERVER), not an engine"),
        (databasePrefix + "    kind: rds-instance\n    engine: mysql\n    backend: pg\n", 11, "a mock endpoint speaks PostgreSQL, not mysql"),
        (databasePrefix + "    kind: rds-instance\n    certificate: expired\n", 10, "certificate is the mock endpoint's: it goes with a backend"),
        (databasePrefix + "    kind: rds-instance\n    tags: [team]\n", 10, "databases.d.tags: expected a mapping"),
        (databasePrefix + "    kind: rds-instance\n    tags: {team: [a]}\n", 10, "databases.d.tags.team: expected a text value"),
        (databasePrefix + "    kind: rds-proxy\n    iam_auth: maybe\n", 10, "iam_auth of a proxy is true (REQUIRED), false (DISABLED), REQUIRED, ENABLED or DISABLED"),
        (databasePrefix + "    kind: rds-proxy\n    endpoints: {ro: {target_role: READER}}\n", 10, "target_role must be READ_WRITE or READ_ONLY"),
        (databasePrefix + "    kind: rds-proxy\n    endpoints: {ro: {target: READ_ONLY}}\n", 10, "unknown key 'target'; expected one of: hostname, target_role"),
        (databasePrefix + "    kind: rds-instance\n    iam_auth: REQUIRED\n", 10, "expected true or false, got 'REQUIRED'"),
        ("accounts:\n  \"111111111111\": {}\nimds: {role: \"arn:aws:iam::111111111111:role/ghost\"}\n", 3, "imds.role: role arn:aws:iam::111111111111:role/ghost is not defined under accounts"),
        ("accounts:\n  \"111111111111\":\n    roles: {app: {}}\necs:\n  role: app\n", 5, "ecs.role: role app is not defined under accounts (write its ARN"),
        ("accounts: [\n", 2, "YAML syntax"),
        ("", 1, "the file is empty"),
    ])
    func badLabFileNamesFileLineAndWhatWasExpected(text: String, line: Int, message: String) {
        #expect {
            try LabFile.parse(text, file: "broken.yaml")
        } throws: { isLabFileError($0, file: "broken.yaml", line: line, message: message) }
    }
}
