/// `${aws:username}`-style policy variables (policy version 2012-10-17 only).
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
enum PolicyVariables {
    /// The text a variable body (between `${` and `}`) stands for: `*`, `?` and `$` for
    /// themselves, else the key's value, else the `'default'` after a comma. Nil when the key
    /// has no single value and there is no default: the element then matches nothing.
    static func resolve(_ body: Substring, _ variables: RequestContext) -> String? {
        switch body {
        case "*", "?", "$": return String(body)
        default: break
        }
        let parts = body.split(separator: ",", maxSplits: 1)
        let key = parts.first.map(trimmed) ?? ""
        if let values = variables.values(for: key), values.count == 1 {
            return values[0]
        }
        guard parts.count == 2 else { return nil }
        let fallback = trimmed(parts[1])
        guard fallback.count >= 2, fallback.hasPrefix("'"), fallback.hasSuffix("'") else { return nil }
        return String(fallback.dropFirst().dropLast())
    }

    /// `text` with every variable replaced; nil if one has no value.
    static func substitute(_ text: String, _ variables: RequestContext) -> String? {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            let open = rest.index(after: dollar)
            guard open < rest.endIndex, rest[open] == "{",
                let close = rest[open...].firstIndex(of: "}")
            else {
                result += rest[...dollar]
                rest = rest[open...]
                continue
            }
            guard let value = resolve(rest[rest.index(after: open)..<close], variables) else { return nil }
            result += rest[..<dollar] + value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
