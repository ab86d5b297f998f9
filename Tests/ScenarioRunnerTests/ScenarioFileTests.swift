import Foundation
import Testing
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

    @Test func theRepositoryScenariosAllLoad() throws {
        let files = try Scenario.files(in: [Self.packageRoot + "/Scenarios"])
        #expect(files.count >= 8)
        for file in files { _ = try Scenario.load(path: file) }
    }
}
