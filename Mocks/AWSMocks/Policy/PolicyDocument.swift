import Foundation

/// An IAM policy document, parsed and checked the way IAM checks it when the policy is stored.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
public struct PolicyDocument: Sendable, Equatable {
    /// Where a policy is attached decides which elements it must and must not have.
    public enum Kind: Sendable, Hashable {
        /// Attached to a user, group or role (inline or managed), or used as a permissions
        /// boundary: no `Principal` (the principal is whoever the policy is attached to).
        case identity
        /// Attached to a resource (bucket, key, secret, …): `Principal` and `Resource` required.
        case resource
        /// A role's trust policy (`AssumeRolePolicyDocument`): `Principal` required, no
        /// `Resource` (the role is the resource), only `sts:` actions.
        case trust
    }

    /// The policy language version. Without `Version`, IAM assumes `2008-10-17`, in which
    /// `${…}` policy variables are plain text.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
    public enum Version: String, Sendable, Hashable {
        case v2008_10_17 = "2008-10-17"
        case v2012_10_17 = "2012-10-17"
    }

    public let kind: Kind
    public let version: Version
    public let id: String?
    public let statements: [PolicyStatement]

    init(kind: Kind, version: Version, id: String?, statements: [PolicyStatement]) {
        self.kind = kind
        self.version = version
        self.id = id
        self.statements = statements
    }

    /// Parses and checks `json` as a policy of `kind`, throwing IAM's `MalformedPolicyDocument`
    /// reason when IAM would refuse to store it.
    public init(json: String, kind: Kind) throws(PolicyDocumentError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [])
        } catch {
            throw PolicyDocumentError(
                .syntaxError, PolicyParser.syntaxErrors,
                detail: "the text is not valid JSON (\(error.localizedDescription))"
            )
        }
        self = try PolicyParser(kind: kind).document(from: object)
    }

    /// Whether policy variables such as `${aws:username}` are replaced (2012-10-17 only).
    var usesVariables: Bool { version == .v2012_10_17 }
}
