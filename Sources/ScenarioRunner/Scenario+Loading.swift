import Foundation
import Lab

extension Scenario {
    /// Reads and checks a scenario file (and the lab it names); any problem is a
    /// `ScenarioFileError` with file and line.
    public static func load(path: String) throws(ScenarioFileError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioFileError(file: path, line: 0, column: 0, message: "cannot read the scenario file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ScenarioFileError) -> Scenario {
        try ScenarioParser(root: YAMLReader.parse(text, file: file)).parse()
    }

    /// The scenario files under `paths` (files as given, directories searched for `*.yaml`
    /// without descending into `labs/`), sorted by path.
    public static func files(in paths: [String]) throws(ScenarioFileError) -> [String] {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ScenarioFileError(file: path, line: 0, column: 0, message: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                found.append(path)
                continue
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            found += entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        }
        return found
    }
}
