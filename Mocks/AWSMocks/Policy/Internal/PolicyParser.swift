import Foundation

/// Turns the `JSONSerialization` tree of a policy into a `PolicyDocument`, refusing what IAM
/// refuses with IAM's own `MalformedPolicyDocument` sentences.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
struct PolicyParser {
    static let syntaxErrors = "Syntax errors in policy."
    static let legacyParsing = "The policy failed legacy parsing"

    private static let documentFields: Set = ["Version", "Id", "Statement"]
    private static let statementFields: Set = [
        "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
    ]

    let kind: PolicyDocument.Kind

    func document(from object: Any) throws(PolicyDocumentError) -> PolicyDocument {
        guard let top = object as? [String: Any] else {
            throw syntax(at: nil, "the document is not a JSON object")
        }
        if let unknown = top.keys.sorted().first(where: { !Self.documentFields.contains($0) }) {
            throw syntax(at: unknown, "unknown element; a policy has Version, Id and Statement")
        }
        var version = PolicyDocument.Version.v2008_10_17
        if let value = top["Version"] {
            guard let text = value as? String, let known = PolicyDocument.Version(rawValue: text) else {
                throw PolicyDocumentError(
                    .legacyParsing, Self.legacyParsing, at: "Version",
                    detail: "Version is \(Self.quoted(value)); IAM knows \"2012-10-17\" and \"2008-10-17\""
                )
            }
            version = known
        }
        if let id = top["Id"], !(id is String) {
            throw syntax(at: "Id", "Id must be a string")
        }
        guard let statementValue = top["Statement"] else {
            throw PolicyDocumentError(
                .missingField, "Missing required field Statement", detail: "the document has no Statement"
            )
        }
        let list: [Any] = (statementValue as? [Any]) ?? [statementValue]
        var statements: [PolicyStatement] = []
        var sids: Set<String> = []
        for (index, element) in list.enumerated() {
            let statement = try self.statement(element, at: "Statement[\(index)]")
            if let sid = statement.sid, !sid.isEmpty, !sids.insert(sid).inserted {
                throw PolicyDocumentError(
                    .duplicateSid, "Statement IDs (SID) in a single policy must be unique.",
                    at: "Statement[\(index)].Sid", detail: "Sid \"\(sid)\" is used twice"
                )
            }
            statements.append(statement)
        }
        return PolicyDocument(kind: kind, version: version, id: top["Id"] as? String, statements: statements)
    }

    private func statement(_ element: Any, at place: String) throws(PolicyDocumentError) -> PolicyStatement {
        guard let fields = element as? [String: Any] else {
            throw syntax(at: place, "a statement must be a JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !Self.statementFields.contains($0) }) {
            throw syntax(at: "\(place).\(unknown)", "unknown element in a statement")
        }
        let sid = try self.sid(fields["Sid"], at: "\(place).Sid")
        let effect = try self.effect(fields["Effect"], at: "\(place).Effect")
        let principals = try self.principals(fields, at: place)
        let actions = try self.actions(fields, at: place)
        let resources = try self.resources(fields, at: place)
        let conditions = try ConditionParser.conditions(fields["Condition"], at: "\(place).Condition")
        return PolicyStatement(
            sid: sid, effect: effect, actions: actions, resources: resources, principals: principals, conditions: conditions
        )
    }

    private func sid(_ value: Any?, at place: String) throws(PolicyDocumentError) -> String? {
        guard let value else { return nil }
        guard let sid = value as? String else { throw syntax(at: place, "Sid must be a string") }
        // Resource policies (S3, SQS, …) allow spaces and more; IAM's own do not.
        if kind != .resource, !sid.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw PolicyDocumentError(
                .invalidSid,
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
                at: place, detail: "Sid is \"\(sid)\""
            )
        }
        return sid
    }

    private func effect(_ value: Any?, at place: String) throws(PolicyDocumentError) -> PolicyStatement.Effect {
        guard let value else {
            throw PolicyDocumentError(.missingField, "Missing required field Effect", at: place, detail: "the statement has no Effect")
        }
        // Case matters: "allow" is refused, with IAM's least helpful sentence.
        guard let text = value as? String, let effect = PolicyStatement.Effect(rawValue: text) else {
            throw PolicyDocumentError(
                .legacyParsing, Self.legacyParsing, at: place,
                detail: "Effect is \(Self.quoted(value)); it must be \"Allow\" or \"Deny\", with that case"
            )
        }
        return effect
    }

    private func principals(_ fields: [String: Any], at place: String) throws(PolicyDocumentError) -> PolicyStatement.Principals? {
        let principal = fields["Principal"]
        let notPrincipal = fields["NotPrincipal"]
        switch (principal, notPrincipal, kind) {
        case (nil, nil, .identity):
            return nil
        case (_, _, .identity):
            throw PolicyDocumentError(
                .principalNotAllowed, "Policy document should not specify a principal.",
                at: "\(place).\(principal == nil ? "NotPrincipal" : "Principal")",
                detail: "identity policies apply to the user, group or role they are attached to"
            )
        case (nil, nil, _):
            throw PolicyDocumentError(
                .missingField, "Missing required field Principal", at: place,
                detail: kind == .trust ? "a trust policy must say who may assume the role" : "a resource policy must name a principal"
            )
        case (let value?, nil, _):
            return .principal(try PrincipalParser.principal(value, at: "\(place).Principal"))
        case (nil, let value?, _):
            return .notPrincipal(try PrincipalParser.principal(value, at: "\(place).NotPrincipal"))
        case (_?, _?, _):
            throw syntax(at: place, "a statement has Principal or NotPrincipal, not both")
        }
    }

    private func actions(_ fields: [String: Any], at place: String) throws(PolicyDocumentError) -> PolicyStatement.Actions {
        let actions: PolicyStatement.Actions
        let field: String
        switch (fields["Action"], fields["NotAction"]) {
        case (nil, nil):
            throw PolicyDocumentError(.missingActions, "Policy statement must contain actions.", at: place, detail: "no Action or NotAction")
        case (let value?, nil):
            field = "\(place).Action"
            actions = .action(try strings(value, at: field))
        case (nil, let value?):
            field = "\(place).NotAction"
            actions = .notAction(try strings(value, at: field))
        case (_?, _?):
            throw syntax(at: place, "a statement has Action or NotAction, not both")
        }
        let list: [String]
        switch actions {
        case .action(let names), .notAction(let names): list = names
        }
        if list.isEmpty {
            throw PolicyDocumentError(.missingActions, "Policy statement must contain actions.", at: field, detail: "the list is empty")
        }
        for action in list {
            try checkAction(action, at: field)
        }
        return actions
    }

    private func checkAction(_ action: String, at place: String) throws(PolicyDocumentError) {
        let colons = action.filter { $0 == ":" }.count
        if action != "*", colons == 0 || action.hasPrefix(":") {
            throw PolicyDocumentError(
                .invalidAction, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
                at: place, detail: "\"\(action)\" has no service prefix"
            )
        }
        if colons > 1 {
            throw PolicyDocumentError(
                .invalidAction, "Actions/Condition can contain only one colon.", at: place, detail: "\"\(action)\""
            )
        }
        if kind == .trust, !action.lowercased().hasPrefix("sts:") {
            throw PolicyDocumentError(
                .trustActionNotAllowed, "AssumeRole policy may only specify STS AssumeRole actions.",
                at: place, detail: "\"\(action)\" is not an sts: action"
            )
        }
    }

    private func resources(_ fields: [String: Any], at place: String) throws(PolicyDocumentError) -> PolicyStatement.Resources? {
        let resources: PolicyStatement.Resources
        let field: String
        switch (fields["Resource"], fields["NotResource"], kind) {
        case (nil, nil, .trust):
            return nil
        case (let value, _, .trust):
            let name = value == nil ? "NotResource" : "Resource"
            throw PolicyDocumentError(
                .prohibitedField, "Has prohibited field \(name)", at: "\(place).\(name)",
                detail: "a trust policy's resource is the role itself"
            )
        case (nil, nil, _):
            throw PolicyDocumentError(.missingResources, "Policy statement must contain resources.", at: place, detail: "no Resource or NotResource")
        case (let value?, nil, _):
            field = "\(place).Resource"
            resources = .resource(try strings(value, at: field))
        case (nil, let value?, _):
            field = "\(place).NotResource"
            resources = .notResource(try strings(value, at: field))
        case (_?, _?, _):
            throw syntax(at: place, "a statement has Resource or NotResource, not both")
        }
        let list: [String]
        switch resources {
        case .resource(let arns), .notResource(let arns): list = arns
        }
        if list.isEmpty {
            throw PolicyDocumentError(.missingResources, "Policy statement must contain resources.", at: field, detail: "the list is empty")
        }
        for resource in list where resource != "*" {
            guard resource.hasPrefix("arn:"), resource.filter({ $0 == ":" }).count >= 5 else {
                throw PolicyDocumentError(
                    .invalidResource, "Resource \(resource) must be in ARN format or \"*\".", at: field,
                    detail: "an ARN is arn:partition:service:region:account:resource"
                )
            }
        }
        return resources
    }

    private func strings(_ value: Any, at place: String) throws(PolicyDocumentError) -> [String] {
        if let text = value as? String { return [text] }
        if let list = value as? [Any] {
            let texts = list.compactMap { $0 as? String }
            if texts.count == list.count { return texts }
        }
        throw syntax(at: place, "expected a string or a list of strings, found \(Self.quoted(value))")
    }

    private func syntax(at place: String?, _ detail: String) -> PolicyDocumentError {
        PolicyDocumentError(.syntaxError, Self.syntaxErrors, at: place, detail: detail)
    }

    /// A JSON value as the detail text shows it: strings quoted, booleans as true/false.
    static func quoted(_ value: Any) -> String {
        if let text = value as? String { return "\"\(text)\"" }
        return scalarString(value) ?? "\(type(of: value))"
    }

    /// A JSON scalar as a condition value: strings as they are, numbers in decimal, booleans
    /// as `true`/`false`. Nil for objects, arrays and null.
    static func scalarString(_ value: Any) -> String? {
        if let text = value as? String { return text }
        guard let number = value as? NSNumber else { return nil }
        // JSONSerialization gives booleans as NSNumber too; their ObjC type is `c` (char).
        if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
        return number.stringValue
    }
}
