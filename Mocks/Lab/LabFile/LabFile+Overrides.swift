import Foundation
import Yams

/// One change to a lab file made by whoever uses it (a scenario): the value at a dotted key path
/// (`databases.mydb.certificate`) replaced, or added with any mappings it needs on the way.
package struct LabFileOverride {
    /// The dotted key path, split: `["databases", "mydb", "certificate"]`.
    package let keyPath: [String]
    /// The new value, with the marks of the file it was written in.
    package let value: YAMLReader

    package init(keyPath: [String], value: YAMLReader) {
        self.keyPath = keyPath
        self.value = value
    }

    var dotted: String { keyPath.joined(separator: ".") }
}

extension LabFile {
    /// Reads a lab file with `overrides` applied before it is checked. A complaint about an
    /// overridden value names the file and line of the override, not the lab file's.
    package static func load(path: String, overrides: [LabFileOverride]) throws(LabFileError) -> LabFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LabFileError(file: path, line: 0, column: 0, message: "cannot read the lab file")
        }
        var root = try YAMLReader.parse(text, file: path).node
        for override in overrides {
            root = try apply(override, keyPath: override.keyPath[...], to: root, file: path)
        }
        do {
            return try LabFileParser(root: YAMLReader(file: path, node: root, path: "")).parse()
        } catch {
            // Paths in messages are dotted key paths: a message about an overridden value (or
            // something under it) belongs to the override's file and line.
            for override in overrides.reversed() {
                let dotted = override.dotted
                if error.message.hasPrefix(dotted + ":") || error.message.hasPrefix(dotted + ".") {
                    throw LabFileError(file: override.value.file, line: error.line, column: error.column, message: error.message)
                }
            }
            throw error
        }
    }

    private static func apply(_ override: LabFileOverride, keyPath: ArraySlice<String>, to node: Node, file: String) throws(LabFileError) -> Node {
        guard let key = keyPath.first else { return override.value.node }
        guard case .mapping(let mapping) = node else {
            throw override.value.fail("cannot override \(override.dotted): the lab file has no mapping at '\(key)' (\(file))")
        }
        var pairs: [(Node, Node)] = []
        var found = false
        for (existingKey, existingValue) in mapping {
            if existingKey.string == key {
                found = true
                pairs.append((existingKey, try apply(override, keyPath: keyPath.dropFirst(), to: existingValue, file: file)))
            } else {
                pairs.append((existingKey, existingValue))
            }
        }
        if !found {
            let empty = Node.mapping(Node.Mapping([]))
            pairs.append((Node(key), try apply(override, keyPath: keyPath.dropFirst(), to: empty, file: file)))
        }
        return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
    }
}

extension LabFile {
    /// A lab written inside another file (a scenario's `lab:` mapping); messages keep that file's lines.
    package static func parse(_ reader: YAMLReader) throws(LabFileError) -> LabFile {
        try LabFileParser(root: reader).parse()
    }
}
