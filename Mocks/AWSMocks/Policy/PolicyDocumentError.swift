/// Why IAM would refuse a policy document with `MalformedPolicyDocument` (HTTP 400).
///
/// `message` is the sentence IAM itself returns, so that the mock's error matches the real one
/// word for word; IAM's sentences are often vague ("The policy failed legacy parsing"), so
/// `location` and `detail` say where and what, for the mock's log and for tests.
public struct PolicyDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable, CaseIterable {
            case syntaxError
            case legacyParsing
            case missingField
            case prohibitedField
            case principalNotAllowed
            case missingActions
            case missingResources
            case invalidAction
            case invalidResource
            case invalidPrincipal
            case trustActionNotAllowed
            case duplicateSid
            case invalidSid
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Not JSON, not an object, an element of the wrong type, an unknown element or
        /// condition operator: "Syntax errors in policy."
        public static let syntaxError = Self(.syntaxError)
        /// A `Version` or `Effect` IAM does not know: "The policy failed legacy parsing".
        public static let legacyParsing = Self(.legacyParsing)
        /// `Statement`, `Effect` or (trust and resource policies) `Principal` is missing.
        public static let missingField = Self(.missingField)
        /// A trust policy with `Resource`/`NotResource`: "Has prohibited field Resource".
        public static let prohibitedField = Self(.prohibitedField)
        /// An identity policy with `Principal`: "Policy document should not specify a principal."
        public static let principalNotAllowed = Self(.principalNotAllowed)
        /// No `Action`/`NotAction`: "Policy statement must contain actions."
        public static let missingActions = Self(.missingActions)
        /// No `Resource`/`NotResource` outside a trust policy.
        public static let missingResources = Self(.missingResources)
        /// An action without a service prefix, or with two colons.
        public static let invalidAction = Self(.invalidAction)
        /// A resource that is neither `*` nor an ARN.
        public static let invalidResource = Self(.invalidResource)
        /// A principal that is not `*`, an account, or a user, role or session ARN.
        public static let invalidPrincipal = Self(.invalidPrincipal)
        /// A trust policy naming an action outside `sts:`.
        public static let trustActionNotAllowed = Self(.trustActionNotAllowed)
        /// Two statements with the same `Sid`.
        public static let duplicateSid = Self(.duplicateSid)
        /// A `Sid` with characters other than letters and digits (identity and trust policies).
        public static let invalidSid = Self(.invalidSid)

        /// Every code, for tests that want one case of each.
        static let all: [Self] = Base.allCases.map(Self.init)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// IAM's own text, as the `Message` of a `MalformedPolicyDocument` error.
    public let message: String
    /// Where in the document, e.g. `Statement[1].Principal`; nil for the document as a whole.
    public let location: String?
    /// What was found and what IAM expects there.
    public let detail: String

    init(_ code: Code, _ message: String, at location: String? = nil, detail: String) {
        self.code = code
        self.message = message
        self.location = location
        self.detail = detail
    }

    public var description: String {
        let place = location.map { " at \($0)" } ?? ""
        return "MalformedPolicyDocument: \(message) (\(code)\(place): \(detail))"
    }
}
