/// Why credentials could not be had.
///
/// The description names the source (a provider, a file, a variable, a profile) and what to
/// do; it never contains a secret key, a session token or a credential process's output.
public struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// Nothing in the chain yielded credentials (Go SDK wording, which users search for).
        public static let noCredentialProviders = Code(name: "NoCredentialProviders")
        /// A source has part of a key pair (botocore's `PartialCredentialsError`).
        public static let partialCredentials = Code(name: "PartialCredentials")
        /// The selected profile is in neither file (botocore's `ProfileNotFound`).
        public static let profileNotFound = Code(name: "ProfileNotFound")
        /// A profile refers to something that is missing or invalid (a source profile, a source name).
        public static let invalidProfile = Code(name: "InvalidProfile")
        public static let unreadableFile = Code(name: "UnreadableFile")
        public static let malformedConfigFile = Code(name: "ConfigParseError")
        public static let credentialProcessFailed = Code(name: "CredentialProcessFailed")
        /// A provider is configured but this build cannot run it yet.
        public static let unsupportedProvider = Code(name: "UnsupportedProvider")
        /// A configured remote source (STS, the container endpoint, IMDS) did not hand out
        /// credentials (botocore's `CredentialRetrievalError`); `underlying` has the cause.
        public static let credentialRetrieval = Code(name: "CredentialRetrievalError")
        /// An environment variable or setting has a value that cannot be used (a container
        /// credentials URL on a host that is not allowed, a token with a line break).
        public static let invalidConfiguration = Code(name: "InvalidConfiguration")
    }

    public let code: Code
    /// The provider or file the error is about (`env`, `shared-credentials-file /path`, …).
    public let source: String
    /// One sentence: what is wrong and what to do.
    public let message: String
    /// For `noCredentialProviders`: what each provider looked at and why it gave nothing.
    public let attempts: [String]
    /// The error behind this one (an `STSError`, an `AWSHTTPTransportError`), kept for callers
    /// that react to it; its text is already in `message`.
    public let underlying: (any Error)?

    public init(code: Code, source: String, message: String, attempts: [String] = [], underlying: (any Error)? = nil) {
        self.code = code
        self.source = source
        self.message = message
        self.attempts = attempts
        self.underlying = underlying
    }

    /// Equal when they say the same thing; `underlying` is not compared.
    public static func == (lhs: CredentialError, rhs: CredentialError) -> Bool {
        lhs.code == rhs.code && lhs.source == rhs.source && lhs.message == rhs.message && lhs.attempts == rhs.attempts
    }

    public var description: String {
        if code == .noCredentialProviders {
            return (["NoCredentialProviders: no valid providers in chain"] + attempts.map { "  - \($0)" })
                .joined(separator: "\n")
        }
        return "\(code): \(source): \(message)"
    }
}
