import Foundation

/// JUnit XML for CI: one `testsuite`, one `testcase` per scenario, a `failure` for each that failed.
public enum JUnitReport {
    public static func xml(_ results: [ScenarioResult], seconds: Double) -> String {
        let failures = results.filter { !$0.passed }.count
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuite name="dbtunnel scenarios" tests="\#(results.count)" failures="\#(failures)" errors="0" time="\#(format(seconds))">"# + "\n"
        for result in results {
            let attributes = #"name="\#(escape(result.name))" classname="\#(escape(result.file))" time="\#(format(result.seconds))""#
            guard let failure = result.failure else {
                xml += "  <testcase \(attributes)/>\n"
                continue
            }
            let message = "\(failure.location): expected " + failure.expected.joined(separator: "; ")
            xml += "  <testcase \(attributes)>\n"
            xml += #"    <failure message="\#(escape(message))">"# + escape(ScenarioReport.line(result)) + "</failure>\n"
            xml += "  </testcase>\n"
        }
        xml += "</testsuite>\n"
        return xml
    }

    private static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n", "\t", "\r": escaped.unicodeScalars.append(scalar)
            // XML 1.0 has no way to write other control characters (an ANSI colour in a log).
            case _ where scalar.value < 0x20: escaped += "?"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
