import Foundation
import Testing
import AWSMocks
import DBMocks
import Lab
@testable import ScenarioRunner

/// Scenario files: what they say, and mistakes reported with file and line.
@Suite("Scenario files")
struct ScenarioFileTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let defaultLab = packageRoot + "/Mocks/labs/default.yaml"

    static func text(_ body: String) -> String {
        """
        name: sample
        symptom: psql fails
        cause: a reason
        fix: a remedy
        lab: {file: \(defaultLab), overrides: {databases.mydb.certificate: legacy-cn}}
        tunnel: {database: mydb, db_user: alice, flags: [--log-level, debug], env: {AWS_PROFILE: null, EXTRA: "1"}}
        \(body)
        """
    }

    @Test func aGoodFileSaysWhatItMeans() throws {
        let scenario = try Scenario.parse(Self.text("""
            steps:
              - psql: -c "select 1"
                expect: {exit: nonzero, stderr_contains: "x509", output_matches: "cert.*", elapsed_under: 5s}
              - expect_tunnel_log_contains: [hint, x509]
              - shell: "true"
              - advance_clock: 1200
              - imds_mode: hop-limit-1
              - stop_backend: pg
            """), file: "sample.yaml")
        #expect(scenario.name == "sample")
        #expect(scenario.lab.databases.first?.certificate == .legacyCommonName)
        #expect(scenario.tunnel?.dbUser == "alice")
        #expect(scenario.tunnel?.flags == ["--log-level", "debug"])
        #expect(scenario.tunnel?.environment["AWS_PROFILE"] == .some(nil))
        #expect(scenario.tunnel?.environment["EXTRA"] == .some("1"))
        #expect(scenario.steps.count == 6)
        let first = scenario.steps[0]
        #expect(first.line == 8)
        #expect(first.expectation.exit == .nonzero)
        #expect(first.expectation.stderrContains == ["x509"])
        #expect(first.expectation.elapsedUnder == .seconds(5))
        #expect(scenario.steps[1].expectation.tunnelLogContains == ["hint", "x509"])
        // A command without expectations must succeed.
        #expect(scenario.steps[2].expectation.exit == .zero)
    }

    @Test func theWorldChangingStepsAndBuiltInClientsSayWhatTheyMean() throws {
        let scenario = try Scenario.parse(Self.text("""
            aws_config: |
              [profile reader]
              source_profile = dev
            steps:
              - libpq: {query: "select pg_sleep(30)", cancel_after: 1s, conninfo: "sslcert=${DBTUNNEL_LAB_CLIENT_CERT}"}
                expect: {sqlstate: "57014", elapsed_under: 3s, elapsed_over: 500ms, output_lacks: secret, lab_log_contains: refused}
              - psql: -c "select pg_sleep(5)"
                interrupt_after: 1500ms
              - boto3: print(boto3.client("sts").get_caller_identity()["Arn"])
              - cut_endpoint: {database: mydb, how: drop}
              - delay_endpoint: {database: mydb, by: 2s}
              - restore_endpoint: mydb
              - detach_policy: {user: alice, policy: connect-mydb}
            """), file: "world.yaml")
        #expect(scenario.awsConfig == "[profile reader]\nsource_profile = dev\n")
        guard case .libpq(let query) = scenario.steps[0].action else { Issue.record("not libpq"); return }
        #expect(query.query == "select pg_sleep(30)")
        #expect(query.cancelAfter == .seconds(1))
        #expect(query.conninfo == "sslcert=${DBTUNNEL_LAB_CLIENT_CERT}")
        let expectation = scenario.steps[0].expectation
        #expect(expectation.sqlState == "57014")
        #expect(expectation.elapsedOver == .milliseconds(500))
        #expect(expectation.outputLacks == ["secret"])
        #expect(expectation.labLogContains == ["refused"])
        #expect(scenario.steps[1].interruptAfter == .milliseconds(1500))
        guard case .boto3 = scenario.steps[2].action, case .cutEndpoint("mydb", .drop) = scenario.steps[3].action,
              case .delayEndpoint("mydb", let delay) = scenario.steps[4].action, case .restoreEndpoint("mydb") = scenario.steps[5].action,
              case .detachPolicy(let detach) = scenario.steps[6].action
        else { Issue.record("steps parsed as \(scenario.steps.map(\.summary))"); return }
        #expect(delay == .seconds(2))
        #expect(detach.holder == .user && detach.holderName == "alice" && detach.policy == "connect-mydb")
        // Commands without expectations must succeed; world changes need none.
        #expect(scenario.steps[2].expectation.exit == .zero)
        #expect(scenario.steps[3].expectation.exit == nil)
    }

    static let misplaced: [(String, Int, String)] = [
        ("  - advance_clock: 60\n    interrupt_after: 1s", 9, "interrupt_after sends Ctrl+C to a program"),
        ("  - psql: -c 'select 1'\n    expect: {sqlstate: '57014'}", 8, "sqlstate is what a built-in client reports"),
        ("  - libpq: {query: 'select 1'}\n    expect: {sqlstate: '5701'}", 9, "a SQLSTATE is five digits or capital letters"),
        ("  - cut_endpoint: {database: mydb, how: slow}", 8, "how is drop"),
        ("  - delay_endpoint: {database: otherdb, by: 1s}", 8, "the lab has no database 'otherdb'"),
        ("  - detach_policy: {user: mallory, policy: p}", 8, "the lab has no user 'mallory'"),
        ("  - detach_policy: {user: alice, role: db-reader, policy: p}", 8, "detach_policy names one of user, role or group"),
        ("  - libpq: {sql: 'select 1'}", 8, "unknown key 'sql'"),
    ]

    @Test(arguments: misplaced)
    func aMisusedStepKeyIsAnErrorWithItsLine(body: String, line: Int, message: String) {
        #expect {
            try Scenario.parse(Self.text("steps:\n" + body), file: "misused.yaml")
        } throws: { error in
            guard let error = error as? ScenarioFileError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test func aTunnelToADatabaseInTheRDSAPIOnlyIsAnError() {
        let text = Self.text("steps: []")
            .replacingOccurrences(of: "overrides: {", with: #"overrides: {databases.catalog: {kind: rds-instance, account: "111111111111"}, "#)
            .replacingOccurrences(of: "tunnel: {database: mydb", with: "tunnel: {database: catalog")
        #expect {
            try Scenario.parse(text, file: "api-only.yaml")
        } throws: { error in
            guard let error = error as? ScenarioFileError else { return false }
            return error.line == 6 && error.message.contains("'catalog' is in the RDS API only (no backend); the databases with an endpoint: mydb")
        }
    }

    @Test func anUnknownKeyIsAnErrorWithItsLine() {
        #expect {
            try Scenario.parse(Self.text("""
                steps:
                  - psql: -c "select 1"
                    expect: {exit: 0, stdout_contain: "1"}
                """), file: "typo.yaml")
        } throws: { error in
            guard let error = error as? ScenarioFileError else { return false }
            return error.file == "typo.yaml" && error.line == 9 && error.message.contains("unknown key 'stdout_contain'")
        }
    }

    @Test func aWrongTypeIsAnErrorWithItsLine() {
        #expect {
            try Scenario.parse(Self.text("""
                steps:
                  - advance_clock: soon
                """), file: "type.yaml")
        } throws: { error in
            guard let error = error as? ScenarioFileError else { return false }
            return error.file == "type.yaml" && error.line == 8 && error.message.contains("expected a whole number")
        }
    }

    @Test func aBadOverrideValueIsReportedAtTheOverride() {
        let text = """
            name: x
            symptom: s
            cause: c
            fix: f
            lab:
              file: \(Self.defaultLab)
              overrides:
                databases.mydb.certificate: sort-of-valid
            steps: []
            """
        #expect {
            try Scenario.parse(text, file: "override.yaml")
        } throws: { error in
            guard let error = error as? ScenarioFileError else { return false }
            return error.file == "override.yaml" && error.line == 8 && error.message.contains("certificate must be one of")
        }
    }

    @Test func theTroubleshootingTableHasOneRowPerScenarioWithPipesEscaped() throws {
        var scenario = try Scenario.parse(Self.text("steps: []"), file: "/somewhere/Scenarios/sample.yaml")
        scenario.symptom = "psql | grep fails\nbadly"
        let table = TroubleshootingTable.markdown([scenario])
        #expect(table == """
            | symptom | cause | fix | scenario |
            |---|---|---|---|
            | psql \\| grep fails badly | a reason | a remedy | [`Scenarios/sample.yaml`](Scenarios/sample.yaml) |

            """)
    }

    @Test func theReadmeTroubleshootingTableCoversEveryScenario() throws {
        let scenarios = try Scenario.files(in: [Self.packageRoot + "/Scenarios"]).map { (path) throws(ScenarioFileError) in try Scenario.load(path: path) }
        let readme = try String(contentsOfFile: Self.packageRoot + "/README.md", encoding: .utf8)
        #expect(
            readme.contains(TroubleshootingTable.markdown(scenarios)),
            "README.md's troubleshooting table is out of date: paste `dbtunnel scenario list --markdown` into it"
        )
    }

    @Test func theRepositoryScenariosAllLoad() throws {
        let files = try Scenario.files(in: [Self.packageRoot + "/Scenarios"])
        #expect(files.count >= 8)
        for file in files { _ = try Scenario.load(path: file) }
    }
}
