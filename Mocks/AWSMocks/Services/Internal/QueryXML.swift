import Foundation

/// Building blocks for query-protocol (XML) result bodies. Absent values render as nothing, as
/// AWS leaves out unset members; text is escaped.
enum QueryXML {
    static func element(_ name: String, _ value: String?) -> String {
        guard let value else { return "" }
        return "<\(name)>\(WireFormat.escape(value))</\(name)>"
    }

    static func element(_ name: String, _ value: Bool?) -> String {
        value.map { "<\(name)>\($0 ? "true" : "false")</\(name)>" } ?? ""
    }

    static func element(_ name: String, _ value: Int?) -> String {
        value.map { "<\(name)>\($0)</\(name)>" } ?? ""
    }

    static func element(_ name: String, _ value: Date?) -> String {
        value.map { "<\(name)>\(WireFormat.timestamp($0))</\(name)>" } ?? ""
    }

    /// A structure: `inner` is already rendered.
    static func structure(_ name: String, _ inner: String) -> String {
        "<\(name)>\(inner)</\(name)>"
    }

    /// A list whose members are rendered structures or escaped strings, wrapped in `member`
    /// elements named as the service model's `locationName` says (`member` by default).
    static func list(_ name: String, member: String = "member", rendered items: [String]) -> String {
        "<\(name)>" + items.map { "<\(member)>\($0)</\(member)>" }.joined() + "</\(name)>"
    }

    static func list(_ name: String, member: String = "member", strings: [String]) -> String {
        list(name, member: member, rendered: strings.map(WireFormat.escape))
    }

    /// RDS's `TagList`: `<TagList><Tag><Key>…</Key><Value>…</Value></Tag></TagList>`.
    static func tagList(_ tags: [MockTag]) -> String {
        list("TagList", member: "Tag", rendered: tags.map { element("Key", $0.key) + element("Value", $0.value) })
    }
}
