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
        #expect(lab.backends.first?.users == ["alice", "reader"])
        #expect(lab.secrets.map(\.name) == ["mydb/alice"])
        #expect(lab.workgroups.map(\.name) == ["analytics"])
    }

    @Test func mariadbBackendsTakeUsersWithAndWithoutPasswords() throws {
        let lab = try LabFile.load(path: Self.repositoryRoot.appendingPathComponent("Mocks/labs/mariadb.yaml").path)
        let backend = try #require(lab.backends.first)
        #expect(backend.engine == .mariadb)
        #expect(backend.users == ["alice", "bob"])
        #expect(backend.passwords == ["alice": "alice-secret"])
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
        ("accounts: [\n", 2, "YAML syntax"),
        ("", 1, "the file is empty"),
    ])
    func badLabFileNamesFileLineAndWhatWasExpected(text: String, line: Int, message: String) {
        #expect {
            try LabFile.parse(text, file: "broken.yaml")
        } throws: { error in
            guard let error = error as? LabFileError else { return false }
            return error.file == "broken.yaml" && error.line == line && error.description.contains(message)
        }
    }
}
