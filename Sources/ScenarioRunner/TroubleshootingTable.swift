import Foundation

/// The README's troubleshooting table, made from the scenario files themselves so the two
/// cannot drift apart (`dbtunnel scenario list --markdown`; a test compares it with README.md).
public enum TroubleshootingTable {
    /// A Markdown table: symptom, cause, fix, scenario file (as `Scenarios/NAME.yaml`), one row per
    /// scenario in the order given.
    public static func markdown(_ scenarios: [Scenario]) -> String {
        var lines = ["| symptom | cause | fix | scenario |", "|---|---|---|---|"]
        for scenario in scenarios {
            let file = "Scenarios/" + (scenario.file.split(separator: "/").last.map(String.init) ?? scenario.file)
            lines.append("| \(cell(scenario.symptom)) | \(cell(scenario.cause)) | \(cell(scenario.fix)) | [`\(file)`](\(file)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line, pipes escaped (a table cell cannot hold either).
    static func cell(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").replacingOccurrences(of: "|", with: "\\|")
    }
}
