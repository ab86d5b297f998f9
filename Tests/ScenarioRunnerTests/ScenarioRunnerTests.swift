import Foundation
import Testing
@testable import ScenarioRunner

/// The runner with the built dbtunnel: a deliberately wrong expectation fails readably.
@Suite("Scenario runner", .serialized)
struct ScenarioRunnerTests {
    /// The dbtunnel built next to this test bundle (`swift build --build-tests` builds both).
    static let dbtunnel: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dbtunnel").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return ScenarioFileTests.packageRoot + "/.build/debug/dbtunnel"
    }()

    @Test func aWrongExpectedTextFailsWithAReportAndAJUnitFailure() async throws {
        let scenario = try Scenario.parse("""
            name: broken-on-purpose
            symptom: psql fails on the certificate
            cause: a CN-only certificate
            fix: none; this scenario expects the wrong text
            lab: {file: \(ScenarioFileTests.defaultLab), overrides: {databases.mydb.certificate: legacy-cn}}
            tunnel: {database: mydb, db_user: alice}
            steps:
              - psql: -c "select 1"
                expect: {exit: nonzero, stderr_contains: "the certificate is fine"}
            """, file: "broken.yaml")
        let runner = ScenarioRunner(configuration: .init(dbtunnelPath: Self.dbtunnel, jobs: 1))
        let results = await runner.run([scenario])
        let result = try #require(results.first)
        let failure = try #require(result.failure)
        #expect(failure.location.hasPrefix("step 1 (broken.yaml:8)"))
        #expect(failure.expected == [#"stderr contains "the certificate is fine""#])
        #expect(failure.actual.contains("x509: certificate relies on legacy Common Name field"), "\(failure.actual)")
        #expect(result.tunnelLogTail.contains { $0.contains("Started DB proxy") }, "\(result.tunnelLogTail)")

        let report = ScenarioReport.line(result)
        #expect(report.hasPrefix("FAIL broken-on-purpose ("))
        #expect(report.contains("tunnel log (last"))

        let xml = JUnitReport.xml(results, seconds: result.seconds)
        #expect(xml.contains(#"<testsuite name="dbtunnel scenarios" tests="1" failures="1""#))
        #expect(xml.contains(#"<testcase name="broken-on-purpose""#))
        #expect(xml.contains(#"<failure message="step 1 (broken.yaml:8): psql -c &quot;select 1&quot;: expected stderr contains &quot;the certificate is fine&quot;">"#), "\(xml)")
    }

    @Test func aPassingScenarioLeavesNoDirectoryBehind() async throws {
        let temporary = NSTemporaryDirectory() + "scenario-runner-tests-\(getpid())"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let scenario = try Scenario.parse("""
            name: shell-only
            symptom: none
            cause: none
            fix: none
            lab: {name: tiny, accounts: {"111111111111": {}}}
            steps:
              - shell: echo "$AWS_ENDPOINT_URL"
                expect: {exit: 0, stdout_contains: "http://127.0.0.1:"}
            """, file: "shell.yaml")
        let runner = ScenarioRunner(configuration: .init(dbtunnelPath: Self.dbtunnel, temporaryDirectory: temporary))
        let results = await runner.run([scenario])
        #expect(results.first?.passed == true, "\(results.first.map(ScenarioReport.line) ?? "")")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    }

    @Test func libmariadbStepsQueryCancelAndReportTheSQLState() async throws {
        let scenario = try Scenario.parse("""
            name: libmariadb-steps
            symptom: none
            cause: none
            fix: none
            lab:
              name: maria
              backends:
                my: {engine: mariadb, users: [{name: alice, password: alice-secret}], databases: [app]}
            steps:
              - libmariadb: {backend: my, user: alice, password: alice-secret, database: app, query: "select current_user(), 40 + 2"}
                expect: {exit: 0, stdout_contains: "alice@%|42"}
              - libmariadb: {backend: my, user: alice, password: wrong, query: "select 1"}
                expect: {exit: nonzero, sqlstate: "28000", stderr_contains: "ERROR 1045 (28000): Access denied for user 'alice'@"}
              - libmariadb: {backend: my, user: alice, password: alice-secret, query: "select sleep(30)", cancel_after: 1s}
                expect: {exit: nonzero, sqlstate: "70100", stderr_contains: "ERROR 1317", elapsed_under: 5s}
            """, file: "maria.yaml")
        let runner = ScenarioRunner(configuration: .init(dbtunnelPath: Self.dbtunnel, jobs: 1))
        let result = try #require(await runner.run([scenario]).first)
        #expect(result.passed, "\(ScenarioReport.line(result))")
    }

    @Test func aSQLStateThatDiffersFailsTheStep() async throws {
        let scenario = try Scenario.parse("""
            name: wrong-sqlstate
            symptom: none
            cause: none
            fix: none
            lab: {file: \(ScenarioFileTests.defaultLab)}
            tunnel: {database: mydb, db_user: alice}
            steps:
              - libpq: {query: "select 1/0"}
                expect: {sqlstate: "57014"}
            """, file: "sqlstate.yaml")
        let runner = ScenarioRunner(configuration: .init(dbtunnelPath: Self.dbtunnel, jobs: 1))
        let result = try #require(await runner.run([scenario]).first)
        #expect(result.failure?.expected == ["SQLSTATE 57014 (got 22012)"], "\(ScenarioReport.line(result))")
    }
}
