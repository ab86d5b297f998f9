/// Why a mock database endpoint refused an RDS IAM token.
///
/// Real RDS tells the client no more than `PAM authentication failed for user "<user>"`; the
/// code and the detail are for the mock's log and for tests, so that a scenario can say *which*
/// check failed. The detail never holds the token, its signature, a secret key or a session
/// token: it only repeats fields whose meaning is public (host, port, user, region, access key
/// id, dates), quoted and cut short, because the text ends up in log lines.
public struct TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable, CaseIterable {
            case malformed
            case wrongAction
            case wrongHost
            case wrongPort
            case wrongUser
            case wrongRegion
            case wrongService
            case wrongAlgorithm
            case unsignedHost
            case expired
            case notYetValid
            case badExpires
            case unknownAccessKey
            case missingSessionToken
            case sessionTokenMismatch
            case signatureMismatch
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Not a token at all: empty, too long, not `host:port/?query`, a bad percent escape, a
        /// duplicate or missing parameter, an unparsable date or credential, a signature that is
        /// not 64 lower-case hex digits.
        public static let malformed = Self(.malformed)
        /// `Action` is not `connect`.
        public static let wrongAction = Self(.wrongAction)
        /// The host in the token text is not this endpoint's (compared case-insensitively).
        public static let wrongHost = Self(.wrongHost)
        /// The port in the token text is not this endpoint's.
        public static let wrongPort = Self(.wrongPort)
        /// `DBUser` is not the user the client logs in as (exact, case-sensitive).
        public static let wrongUser = Self(.wrongUser)
        /// The credential scope names another region.
        public static let wrongRegion = Self(.wrongRegion)
        /// The credential scope names a service other than `rds-db`.
        public static let wrongService = Self(.wrongService)
        /// `X-Amz-Algorithm` is not `AWS4-HMAC-SHA256`.
        public static let wrongAlgorithm = Self(.wrongAlgorithm)
        /// `X-Amz-SignedHeaders` is not exactly `host`.
        public static let unsignedHost = Self(.unsignedHost)
        /// Signed longer ago than `X-Amz-Expires` seconds.
        public static let expired = Self(.expired)
        /// Signed further in the future than the allowed clock skew.
        public static let notYetValid = Self(.notYetValid)
        /// `X-Amz-Expires` missing, not a plain decimal, below 1 or above 900.
        public static let badExpires = Self(.badExpires)
        /// The access key id is not in the mock's IAM state.
        public static let unknownAccessKey = Self(.unknownAccessKey)
        /// A temporary access key used without its session token.
        public static let missingSessionToken = Self(.missingSessionToken)
        /// The session token is not the one issued with the access key, or a long-term key
        /// came with a session token.
        public static let sessionTokenMismatch = Self(.sessionTokenMismatch)
        /// Everything else is right but the signature is not the one the secret key makes.
        public static let signatureMismatch = Self(.signatureMismatch)

        /// Every code, for tests that want one case of each.
        static let all: [Self] = Base.allCases.map(Self.init)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// For the mock's log: what was checked and what was found. Holds no secret (see above).
    public let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        "RDS IAM token rejected (\(code)): \(detail)"
    }
}

extension TokenRejection {
    /// The longest piece of token text a detail repeats.
    static let quoteLimit = 64

    /// A value taken from the token, fit for a log line: in double quotes, printable ASCII only
    /// (anything else becomes `?`), at most `quoteLimit` characters. Tokens come from anyone
    /// who can reach the port, so their text must not be able to forge or flood log lines.
    static func quoted(_ value: some StringProtocol) -> String {
        var out = "\""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == quoteLimit {
                out += "…"
                break
            }
            switch scalar.value {
            case 0x22, 0x5C:
                out += "\\"
                out.unicodeScalars.append(scalar)
            case 0x20...0x7E:
                out.unicodeScalars.append(scalar)
            default: out += "?"
            }
            count += 1
        }
        return out + "\""
    }
}
