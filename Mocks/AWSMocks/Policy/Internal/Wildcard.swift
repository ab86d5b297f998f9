/// A pattern with IAM's two wildcards: `*` (any run of characters, none included) and `?`
/// (exactly one character), after policy variables (`${aws:username}`) have been put in.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
struct WildcardPattern: Sendable, Equatable {
    private enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case anyRun
        case anyOne
    }

    private let tokens: [Token]

    /// Compiles `pattern`. With `variables`, each `${key}` (or `${key, 'default'}`) is replaced
    /// by the key's single value, and `${*}`, `${?}`, `${$}` stand for the literal characters;
    /// a variable without a value makes the pattern match nothing (nil), as IAM does.
    init?(_ pattern: String, variables: RequestContext? = nil) {
        var tokens: [Token] = []
        var rest = Substring(pattern)
        while let first = rest.unicodeScalars.first {
            if let variables, rest.hasPrefix("${"), let close = rest.firstIndex(of: "}") {
                let body = rest[rest.index(rest.startIndex, offsetBy: 2)..<close]
                guard let value = PolicyVariables.resolve(body, variables) else { return nil }
                tokens += value.unicodeScalars.map(Token.literal)
                rest = rest[rest.index(after: close)...]
                continue
            }
            switch first {
            case "*": tokens.append(.anyRun)
            case "?": tokens.append(.anyOne)
            default: tokens.append(.literal(first))
            }
            rest = Substring(rest.unicodeScalars.dropFirst())
        }
        self.tokens = tokens
    }

    /// Whether `text` matches. With `ignoringCase`, both sides are compared lower-cased.
    func matches(_ text: String, ignoringCase: Bool = false) -> Bool {
        let t = Array((ignoringCase ? text.lowercased() : text).unicodeScalars)
        let p = ignoringCase ? tokens.map(Self.lowercased) : tokens
        // Iterative glob with one backtrack point: no recursion, linear for IAM-sized patterns.
        var pi = 0
        var ti = 0
        var starPattern = -1
        var starText = 0
        while ti < t.count {
            if pi < p.count, p[pi] == .anyOne || p[pi] == .literal(t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == .anyRun {
                starPattern = pi
                starText = ti
                pi += 1
            } else if starPattern >= 0 {
                pi = starPattern + 1
                starText += 1
                ti = starText
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == .anyRun {
            pi += 1
        }
        return pi == p.count
    }

    private static func lowercased(_ token: Token) -> Token {
        guard case .literal(let scalar) = token else { return token }
        let lower = String(scalar).lowercased().unicodeScalars
        return lower.count == 1 ? .literal(lower.first!) : token
    }
}

enum Wildcard {
    /// Action names: "The prefix and the action name are case insensitive."
    static func matchesAction(_ pattern: String, _ action: String) -> Bool {
        WildcardPattern(pattern)?.matches(action, ignoringCase: true) ?? false
    }

    /// Case-sensitive match of a whole string (`StringLike`, principal-free globbing).
    static func matches(_ pattern: String, _ text: String, variables: RequestContext? = nil) -> Bool {
        WildcardPattern(pattern, variables: variables)?.matches(text) ?? false
    }

    /// ARNs as `Resource` and the `Arn…` condition operators compare them: case-sensitive, each
    /// of the six colon-separated parts on its own, so a `*` in the region cannot swallow the
    /// account. The sixth part (the resource) keeps any further colons. A pattern that is not
    /// six parts long (`*`, `arn:*`) is matched as one string.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
    static func matchesARN(_ pattern: String, _ arn: String, variables: RequestContext? = nil) -> Bool {
        let patternParts = arnParts(pattern)
        guard patternParts.count == 6 else { return matches(pattern, arn, variables: variables) }
        let arnParts = arnParts(arn)
        guard arnParts.count == 6 else { return false }
        return zip(patternParts, arnParts).allSatisfy { matches($0, $1, variables: variables) }
    }

    /// Splits at the first five colons outside `${…}`, so `${aws:username}` stays whole.
    private static func arnParts(_ arn: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var inVariable = false
        var previous: Character?
        for character in arn {
            if character == "{", previous == "$" { inVariable = true }
            if character == "}" { inVariable = false }
            if character == ":", !inVariable, parts.count < 5 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        parts.append(current)
        return parts
    }
}
