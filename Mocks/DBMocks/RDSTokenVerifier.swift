import AWSAuth
import Foundation

/// Checks an RDS IAM auth token the way RDS does when a client sends it as its cleartext
/// password: the shape of the presigned URL, every field against this endpoint, the time
/// window, the access key against the mock's IAM state, and finally the SigV4 signature.
///
/// Token format: reference/FACTS.md, "RDS IAM auth token";
/// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Connecting.html
/// Presigned SigV4: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
///
/// The checks run from cheap to costly — shape, fields, time, key, signature — so junk costs
/// no HMAC. Policy (`rds-db:connect` on the right resource) is a separate step, on
/// `VerifiedToken.principalARN`.
public struct RDSTokenVerifier: Sendable {
    /// What a given access key maps to in the mock's IAM state.
    public struct KeyRecord: Sendable {
        public let secretAccessKey: String
        /// Set for temporary (STS) keys: the token must carry exactly this session token.
        public let sessionToken: String?
        public let principalARN: String

        public init(secretAccessKey: String, sessionToken: String? = nil, principalARN: String) {
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
            self.principalARN = principalARN
        }
    }

    /// What this endpoint is and who the client logs in as.
    public struct Expectation: Sendable {
        public let hostname: String
        public let port: Int
        public let region: String
        /// The user of the StartupMessage / HandshakeResponse; `DBUser` must equal it exactly.
        public let user: String

        public init(hostname: String, port: Int, region: String, user: String) {
            self.hostname = hostname
            self.port = port
            self.region = region
            self.user = user
        }
    }

    public struct VerifiedToken: Sendable, Equatable {
        public let accessKeyID: String
        public let principalARN: String
        public let user: String
        public let signedAt: Date
    }

    /// The auth parameters `SigV4Signer.presign` adds itself, and the signature, which no
    /// canonical query contains. Every other parameter is part of the signed query.
    static let signerParameters: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
        "X-Amz-Security-Token", "X-Amz-Signature",
    ]

    private let allowedClockSkew: TimeInterval
    private let now: @Sendable () -> Date
    private let lookup: @Sendable (String) -> KeyRecord?
    /// Our own cache: a lab verifies tokens for many keys, and sharing `SigningKeyCache.shared`
    /// would evict the keys the tunnel in the same process signs with.
    private let keyCache = SigningKeyCache()

    /// - Parameters:
    ///   - allowedClockSkew: how far in the future a token may be signed (the signer's clock
    ///     running ahead of ours).
    ///   - now: the clock; tests pass a fixed one.
    ///   - lookup: the mock's IAM state, by access key id.
    public init(
        allowedClockSkew: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = { Date() },
        lookup: @escaping @Sendable (String) -> KeyRecord?
    ) {
        self.allowedClockSkew = allowedClockSkew
        self.now = now
        self.lookup = lookup
    }

    public func verify(_ token: String, expecting: Expectation) -> Result<VerifiedToken, TokenRejection> {
        Result { () throws(TokenRejection) -> VerifiedToken in try check(token, expecting) }
    }

    private func check(_ token: String, _ expecting: Expectation) throws(TokenRejection) -> VerifiedToken {
        let fields = try Fields(RDSTokenText.parse(token))
        let text = fields.text

        // What the token says, against this endpoint.
        guard fields.action == "connect" else {
            throw TokenRejection(.wrongAction, "Action is \(TokenRejection.quoted(fields.action)), not \"connect\"")
        }
        guard fields.algorithm == SigV4Signer.algorithm else {
            throw TokenRejection(
                .wrongAlgorithm,
                "X-Amz-Algorithm is \(TokenRejection.quoted(fields.algorithm)), not \"\(SigV4Signer.algorithm)\""
            )
        }
        guard fields.scope.service == RDSAuthToken.service else {
            throw TokenRejection(
                .wrongService,
                "the credential scope names service \(TokenRejection.quoted(fields.scope.service)), not \"\(RDSAuthToken.service)\""
            )
        }
        guard fields.scope.region == expecting.region else {
            throw TokenRejection(
                .wrongRegion,
                "the credential scope names region \(TokenRejection.quoted(fields.scope.region)), "
                    + "this endpoint is in \(TokenRejection.quoted(expecting.region))"
            )
        }
        guard fields.signedHeaders == "host" else {
            throw TokenRejection(
                .unsignedHost,
                "X-Amz-SignedHeaders is \(TokenRejection.quoted(fields.signedHeaders)), RDS wants exactly \"host\""
            )
        }
        let expires = try Self.expires(text["X-Amz-Expires"])
        // Host names compare without regard to case; the signed host is lower-cased, as the
        // signer does it (the text is ASCII, the parser saw to that).
        let host = text.host.lowercased()
        guard host == expecting.hostname.lowercased() else {
            throw TokenRejection(
                .wrongHost,
                "the token is for host \(TokenRejection.quoted(text.host)), this endpoint is "
                    + TokenRejection.quoted(expecting.hostname)
            )
        }
        guard text.port == expecting.port else {
            throw TokenRejection(.wrongPort, "the token is for port \(text.port), this endpoint listens on \(expecting.port)")
        }
        guard fields.user == expecting.user else {
            throw TokenRejection(
                .wrongUser,
                "DBUser is \(TokenRejection.quoted(fields.user)), the client logs in as \(TokenRejection.quoted(expecting.user))"
            )
        }

        // Time: a token is good from (signedAt - skew) to (signedAt + X-Amz-Expires).
        let now = now()
        guard now >= fields.signedAt.addingTimeInterval(-allowedClockSkew) else {
            throw TokenRejection(
                .notYetValid,
                "signed at \(fields.date), \(Self.seconds(fields.signedAt.timeIntervalSince(now))) s in the future "
                    + "(allowed clock skew \(Self.seconds(allowedClockSkew)) s)"
            )
        }
        guard now <= fields.signedAt.addingTimeInterval(TimeInterval(expires)) else {
            throw TokenRejection(
                .expired,
                "signed at \(fields.date), \(Self.seconds(now.timeIntervalSince(fields.signedAt))) s ago; "
                    + "valid for \(expires) s"
            )
        }

        // The key, in the mock's IAM state.
        let accessKeyID = fields.scope.accessKeyID
        guard let record = lookup(accessKeyID) else {
            throw TokenRejection(.unknownAccessKey, "access key \(TokenRejection.quoted(accessKeyID)) is not known")
        }
        let presentedSessionToken = text["X-Amz-Security-Token"]
        switch (record.sessionToken, presentedSessionToken) {
        case (nil, nil):
            break
        case (nil, .some):
            throw TokenRejection(
                .sessionTokenMismatch,
                "access key \(TokenRejection.quoted(accessKeyID)) is a long-term key but the token carries a session token"
            )
        case (.some, nil):
            throw TokenRejection(
                .missingSessionToken,
                "access key \(TokenRejection.quoted(accessKeyID)) is temporary and the token carries no session token"
            )
        case let (.some(issued), .some(presented)):
            guard Self.constantTimeEqual(Array(issued.utf8), Array(presented.utf8)) else {
                throw TokenRejection(
                    .sessionTokenMismatch,
                    "the session token is not the one issued with access key \(TokenRejection.quoted(accessKeyID))"
                )
            }
        }

        // The signature, made again with the secret as the client should have made it.
        let signedHost = expecting.port == 443 ? host : "\(host):\(expecting.port)"
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: accessKeyID, secretAccessKey: record.secretAccessKey, sessionToken: presentedSessionToken
            ),
            region: expecting.region, service: RDSAuthToken.service, keyCache: keyCache
        )
        let request = SigV4Request(
            method: "GET", path: "/",
            query: text.parameters.filter { !Self.signerParameters.contains($0.name) },
            headers: [("host", signedHost)]
        )
        let expected = signer.presign(request, date: fields.signedAt, expires: expires).signature.signature
        guard Self.constantTimeEqual(Array(expected.utf8), Array(fields.signature.utf8)) else {
            throw TokenRejection(
                .signatureMismatch,
                "the signature is not the one access key \(TokenRejection.quoted(accessKeyID)) makes "
                    + "(signed host \(TokenRejection.quoted(signedHost)), scope \(fields.date.prefix(8))/"
                    + "\(fields.scope.region)/\(RDSAuthToken.service))"
            )
        }
        return VerifiedToken(
            accessKeyID: accessKeyID, principalARN: record.principalARN, user: fields.user, signedAt: fields.signedAt
        )
    }
}

extension RDSTokenVerifier {
    /// The fields every token must have, each in the shape SigV4 prescribes; anything missing or
    /// misshapen is `.malformed`, decided before any field is compared with the endpoint.
    private struct Fields {
        let text: RDSTokenText
        let action: String
        let user: String
        let algorithm: String
        let scope: CredentialScope
        /// `X-Amz-Date` as written, `yyyyMMdd'T'HHmmss'Z'`.
        let date: String
        let signedAt: Date
        let signedHeaders: String
        let signature: String

        init(_ text: RDSTokenText) throws(TokenRejection) {
            self.text = text
            action = try text.required("Action")
            user = try text.required("DBUser")
            algorithm = try text.required("X-Amz-Algorithm")
            scope = try CredentialScope(text.required("X-Amz-Credential"))
            date = try text.required("X-Amz-Date")
            signedHeaders = try text.required("X-Amz-SignedHeaders")
            signature = try text.required("X-Amz-Signature")
            // The date must print back as written: it goes into the canonical query and the
            // string to sign as text (AmzDate.parse takes "20240230T…" for 1 March).
            guard let signedAt = AmzDate.parse(date), AmzDate(signedAt).timestamp == date else {
                throw TokenRejection(.malformed, "X-Amz-Date is not a valid yyyyMMddTHHmmssZ time")
            }
            self.signedAt = signedAt
            guard scope.day == date.prefix(8) else {
                throw TokenRejection(
                    .malformed, "the credential scope's date \(TokenRejection.quoted(scope.day)) is not X-Amz-Date's day"
                )
            }
            guard signature.utf8.count == 64, signature.utf8.allSatisfy(Self.isLowerHex) else {
                throw TokenRejection(.malformed, "X-Amz-Signature is not 64 lower-case hex digits")
            }
        }

        private static func isLowerHex(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }

    /// `AKID/yyyymmdd/region/service/aws4_request`, the decoded `X-Amz-Credential`.
    private struct CredentialScope {
        let accessKeyID: String
        let day: Substring
        let region: Substring
        let service: Substring

        init(_ credential: String) throws(TokenRejection) {
            let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 5, parts.allSatisfy({ !$0.isEmpty }), parts[4] == "aws4_request" else {
                throw TokenRejection(.malformed, "X-Amz-Credential is not AKID/yyyymmdd/region/service/aws4_request")
            }
            accessKeyID = String(parts[0])
            day = parts[1]
            region = parts[2]
            service = parts[3]
        }
    }

    /// `X-Amz-Expires` as RDS accepts it: present, 1...900. Written as plain decimal too (no
    /// sign, no leading zero), since the signature is made again from the number and must sign
    /// the same text.
    private static func expires(_ text: String?) throws(TokenRejection) -> Int {
        guard let text else { throw TokenRejection(.badExpires, "the token has no X-Amz-Expires parameter") }
        guard let seconds = Int(text), String(seconds) == text else {
            throw TokenRejection(.badExpires, "X-Amz-Expires is \(TokenRejection.quoted(text)), not a number of seconds")
        }
        guard (1...RDSAuthToken.lifetime).contains(seconds) else {
            throw TokenRejection(.badExpires, "X-Amz-Expires is \(seconds), RDS accepts 1 to \(RDSAuthToken.lifetime)")
        }
        return seconds
    }

    /// Compares two secrets in time that depends on their length only, not on where they first
    /// differ (which would let a client find a valid signature a byte at a time).
    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }

    /// Whole seconds for a log line; `Int(_:)` would trap on a NaN or huge clock skew.
    private static func seconds(_ interval: TimeInterval) -> String {
        abs(interval) < 1e12 ? String(Int(interval.rounded())) : String(interval)
    }
}
