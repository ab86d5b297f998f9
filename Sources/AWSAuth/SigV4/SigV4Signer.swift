import Crypto
import Foundation

/// AWS Signature Version 4, header form and presigned-query form.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
///
/// The signer is a value: credentials, region and service, plus the few switches the AWS
/// signing test suite exercises. It does no I/O and keeps no state except the shared cache of
/// derived signing keys.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"

    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    /// Remove `.`/`..` segments and empty segments from the path before encoding it (every
    /// service but S3 does).
    public var normalizePath = true
    /// Add the session token to the request *after* signing, outside the signature (older STS
    /// and IoT behaviour; the test suite's `omit_session_token`).
    public var omitSessionTokenFromSignature = false
    /// Add an `x-amz-content-sha256` header and sign it (S3 and some JSON services want it).
    public var addContentSHA256Header = false
    public var keyCache: SigningKeyCache

    /// Headers never signed: they change in transit or are added by the signer itself.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "x-amzn-trace-id", "expect"]

    public init(credentials: AWSCredentials, region: String, service: String, keyCache: SigningKeyCache = .shared) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.keyCache = keyCache
    }

    /// What a signing step produced; the intermediate texts are kept for tests and debugging
    /// (they hold no secret: the session token in a canonical request is a bearer value only
    /// for the request it signs, and callers must not log them either).
    public struct Signature: Sendable {
        public let canonicalRequest: String
        public let stringToSign: String
        public let signature: String
        public let signedHeaders: String
        public let amzDate: String
        public let credentialScope: String
    }

    /// The headers to add to a request signed in the header form, in the order the AWS CRT
    /// signer adds them (token, date, content hash, authorization).
    public struct SignedHeaders: Sendable {
        public let signature: Signature
        public let headersToAdd: [(name: String, value: String)]
    }

    /// The query parameters of a presigned request. The order of parameters in the final URL
    /// is the caller's business (botocore and the CRT differ); the signature is the same.
    public struct PresignedQuery: Sendable {
        public let signature: Signature
        public let credential: String
        public let expires: Int
        /// Present when the session token goes into the URL.
        public let securityToken: String?
    }

    // MARK: Header form

    public func signHeaders(_ request: SigV4Request, date: Date) -> SignedHeaders {
        let amzDate = AmzDate(date)
        var headers = request.headers
        var added: [(name: String, value: String)] = []
        if let token = credentials.sessionToken {
            added.append(("X-Amz-Security-Token", token))
            if !omitSessionTokenFromSignature { headers.append(("X-Amz-Security-Token", token)) }
        }
        added.append(("X-Amz-Date", amzDate.timestamp))
        headers.append(("X-Amz-Date", amzDate.timestamp))
        let payloadHash = SHA256.hash(data: request.body).hexString
        if addContentSHA256Header {
            added.append(("x-amz-content-sha256", payloadHash))
            headers.append(("x-amz-content-sha256", payloadHash))
        }
        let signature = sign(
            method: request.method, path: request.path, query: request.query,
            headers: headers, payloadHash: payloadHash, amzDate: amzDate
        )
        added.append((
            "Authorization",
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(signature.credentialScope), "
                + "SignedHeaders=\(signature.signedHeaders), Signature=\(signature.signature)"
        ))
        return SignedHeaders(signature: signature, headersToAdd: added)
    }

    // MARK: Query (presigned) form

    /// Signs `request` for use as a URL valid for `expires` seconds from `date`.
    /// `payloadHash` defaults to the SHA-256 of the body (`UNSIGNED-PAYLOAD` is S3's alternative).
    public func presign(_ request: SigV4Request, date: Date, expires: Int, payloadHash: String? = nil) -> PresignedQuery {
        let amzDate = AmzDate(date)
        let scope = credentialScope(amzDate)
        let credential = "\(credentials.accessKeyID)/\(scope)"
        let signedHeaders = Self.signedHeaderNames(request.headers)
        var query = request.query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", credential))
        query.append(("X-Amz-Date", amzDate.timestamp))
        query.append(("X-Amz-Expires", String(expires)))
        query.append(("X-Amz-SignedHeaders", signedHeaders))
        if let token = credentials.sessionToken, !omitSessionTokenFromSignature {
            query.append(("X-Amz-Security-Token", token))
        }
        let signature = sign(
            method: request.method, path: request.path, query: query, headers: request.headers,
            payloadHash: payloadHash ?? SHA256.hash(data: request.body).hexString, amzDate: amzDate
        )
        return PresignedQuery(
            signature: signature, credential: credential, expires: expires,
            securityToken: credentials.sessionToken
        )
    }

    // MARK: The algorithm

    func credentialScope(_ amzDate: AmzDate) -> String {
        "\(amzDate.day)/\(region)/\(service)/aws4_request"
    }

    /// The algorithm itself, for verifiers that recompute a signature from what a client sent:
    /// exactly `headers` are signed.
    package func sign(
        method: String, path: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], payloadHash: String, amzDate: AmzDate
    ) -> Signature {
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            method,
            Self.canonicalURI(path, normalize: normalizePath),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = credentialScope(amzDate)
        let stringToSign = [
            Self.algorithm,
            amzDate.timestamp,
            scope,
            SHA256.hash(data: Array(canonicalRequest.utf8)).hexString,
        ].joined(separator: "\n")
        let key = keyCache.key(secret: credentials.secretAccessKey, day: amzDate.day, region: region, service: service)
        let signature = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).hexString
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            signedHeaders: signedHeaders, amzDate: amzDate.timestamp, credentialScope: scope
        )
    }

    /// Each segment percent-encoded, `/` kept; with `normalize`, empty and `.` segments dropped
    /// and `..` applied, a trailing slash kept.
    static func canonicalURI(_ path: String, normalize: Bool) -> String {
        guard !path.isEmpty else { return "/" }
        guard normalize else { return URIEncoding.encode(path, keepSlash: true) }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        var normalized = "/" + segments.joined(separator: "/")
        if !segments.isEmpty, path.hasSuffix("/") { normalized += "/" }
        return URIEncoding.encode(normalized, keepSlash: true)
    }

    /// `name=value` pairs, both encoded, sorted by name then value, joined by `&`.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        // Encoded text is ASCII, so byte order is the order AWS means.
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(query.count)
        for field in query {
            pairs.append((URIEncoding.encode(field.name), URIEncoding.encode(field.value)))
        }
        pairs.sort { lhs, rhs in
            lhs.name == rhs.name
                ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
        }
        var result = ""
        for (index, pair) in pairs.enumerated() {
            if index > 0 { result += "&" }
            result += pair.name
            result += "="
            result += pair.value
        }
        return result
    }

    /// Lower-cased names, sorted; values trimmed with inner whitespace runs (line folds
    /// included) collapsed to one space; repeated headers joined by `,` in request order.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (canonical: String, signed: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let lowered = name.lowercased()
            guard !unsignedHeaders.contains(lowered) else { continue }
            merged[lowered, default: []].append(collapseWhitespace(value))
        }
        let names = merged.keys.sorted()
        var canonical = ""
        for name in names {
            canonical += name + ":" + merged[name]!.joined(separator: ",") + "\n"
        }
        return (canonical, names.joined(separator: ";"))
    }

    static func signedHeaderNames(_ headers: [(name: String, value: String)]) -> String {
        Set(headers.map { $0.name.lowercased() }).subtracting(unsignedHeaders).sorted().joined(separator: ";")
    }

    private static func collapseWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { (character: Character) -> Bool in character.isWhitespace }).joined(separator: " ")
    }
}
