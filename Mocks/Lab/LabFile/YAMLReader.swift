import Foundation
import Yams

/// Walks a composed YAML document with its marks, so every complaint names file, line and
/// what was expected; unknown keys are errors (a typo must not silently drop a policy).
/// `package`: scenario files (ScenarioRunner) are read the same way.
package struct YAMLReader {
    package let file: String
    package let node: Node
    /// Where this node sits, for messages: `accounts.111111111111.users.alice`.
    package let path: String

    package init(file: String, node: Node, path: String) {
        self.file = file
        self.node = node
        self.path = path
    }

    package static func parse(_ text: String, file: String) throws(LabFileError) -> YAMLReader {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw LabFileError(file: file, line: 1, column: 1, message: "the file is empty; expected a mapping with accounts, databases, …")
            }
            return YAMLReader(file: file, node: node, path: "")
        } catch let error as LabFileError {
            throw error
        } catch let error as YamlError {
            throw Self.translate(error, file: file)
        } catch {
            throw LabFileError(file: file, line: 1, column: 1, message: "cannot parse YAML: \(error)")
        }
    }

    private static func translate(_ error: YamlError, file: String) -> LabFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return LabFileError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, _):
            return LabFileError(file: file, line: 1, column: 1, message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return LabFileError(file: file, line: 1, column: 1, message: "cannot parse YAML: \(error)")
        }
    }

    package func fail(_ message: String) -> LabFileError {
        LabFileError(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: (path.isEmpty ? "" : "\(path): ") + message)
    }

    private func child(_ node: Node, _ key: String) -> YAMLReader {
        YAMLReader(file: file, node: node, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The entries of a mapping, in file order, checked against the allowed keys.
    package func mapping(allowed: Set<String>? = nil) throws(LabFileError) -> [(key: String, value: YAMLReader)] {
        guard case .mapping(let mapping) = node else { throw fail("expected a mapping (key: value lines)") }
        var entries: [(key: String, value: YAMLReader)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw child(keyNode, "?").fail("expected a plain key") }
            if let allowed, !allowed.contains(key) {
                throw YAMLReader(file: file, node: keyNode, path: path)
                    .fail("unknown key '\(key)'; expected one of: \(allowed.sorted().joined(separator: ", "))")
            }
            entries.append((key, child(valueNode, key)))
        }
        return entries
    }

    /// A mapping's value for `key`, when present.
    package func optional(_ key: String, in entries: [(key: String, value: YAMLReader)]) -> YAMLReader? {
        entries.first { $0.key == key }?.value
    }

    package func required(_ key: String, in entries: [(key: String, value: YAMLReader)]) throws(LabFileError) -> YAMLReader {
        guard let value = optional(key, in: entries) else { throw fail("missing required key '\(key)'") }
        return value
    }

    package func sequence() throws(LabFileError) -> [YAMLReader] {
        guard case .sequence(let sequence) = node else { throw fail("expected a list (- item lines)") }
        return sequence.enumerated().map { child($1, "[\($0)]") }
    }

    package func string() throws(LabFileError) -> String {
        guard case .scalar(let scalar) = node else { throw fail("expected a text value") }
        return scalar.string
    }

    package func int(in range: ClosedRange<Int>? = nil) throws(LabFileError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else { throw fail("expected a whole number") }
        if let range, !range.contains(value) { throw fail("expected a number from \(range.lowerBound) to \(range.upperBound), got \(value)") }
        return value
    }

    package func bool() throws(LabFileError) -> Bool {
        guard case .scalar(let scalar) = node else { throw fail("expected true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail("expected true or false, got '\(scalar.string)'")
        }
    }

    package func strings() throws(LabFileError) -> [String] {
        var values: [String] = []
        for item in try sequence() { values.append(try item.string()) }
        return values
    }

    /// A policy document: a YAML mapping (turned into JSON) or a JSON string.
    package func policyJSON() throws(LabFileError) -> String {
        if case .scalar(let scalar) = node {
            guard (try? JSONSerialization.jsonObject(with: Data(scalar.string.utf8))) is [String: Any] else {
                throw fail("expected a policy document (a mapping, or JSON text)")
            }
            return scalar.string
        }
        guard case .mapping = node else { throw fail("expected a policy document (a mapping with Version and Statement)") }
        let object = Self.plain(node)
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw fail("cannot turn the policy into JSON")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// YAML → JSON-compatible values; scalars stay strings ("2012-10-17" must not become a date).
    private static func plain(_ node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            switch scalar.string {
            case "true": return true
            case "false": return false
            default: return scalar.string
            }
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = plain(value) }
            return object
        case .sequence(let sequence):
            return sequence.map(plain)
        case .alias:
            return NSNull()
        }
    }
}
