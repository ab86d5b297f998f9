import AWSAuth
import Crypto
import Foundation

/// Checks a header-signed SigV4 request the way AWS front ends do, against the mock's keys:
/// unknown key → InvalidClientTokenId, wrong signature → SignatureDoesNotMatch, a session
/// past its expiry or a token that does not match → ExpiredToken / InvalidClientTokenId,
/// a request more than 15 minutes off → "Signature expired".
struct SigV4RequestVerifier: Sendable {
    let world: MockAWSWorld

    struct SignedRequest {
        let method: String
        /// Path as sent (percent-encoded), without the query.
        let path: String
        let query: String?
        /// Header names lower-cased, values as received (repeated headers joined by `,`).
        let headers: [String: String]
        let body: [UInt8]
    }

    struct Authorization {
        let accessKeyID: String
        let day: String
        let region: String
        let service: String
        let signedHeaders: [String]
        let signature: String
    }

    /// Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=a;b, Signature=hex`.
    static func parseAuthorization(_ header: String) -> Authorization? {
        guard header.hasPrefix(SigV4Signer.algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(SigV4Signer.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[String(pair[0])] = String(pair[1])
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"], let signature = fields["Signature"] else {
            return nil
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else { return nil }
        return Authorization(
            accessKeyID: scope[0], day: scope[1], region: scope[2], service: scope[3],
            signedHeaders: signedHeaders.split(separator: ";").map(String.init), signature: signature
        )
    }

    /// The principal that signed `request`, or the error AWS would return.
    func verify(_ request: SignedRequest) -> Result<(MockPrincipal, Authorization), AWSServiceError> {
        guard let header = request.headers["authorization"] else { return .failure(.missingAuthentication) }
        guard let authorization = Self.parseAuthorization(header) else {
            return .failure(AWSServiceError(status: 400, code: "IncompleteSignature", message: "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."))
        }
        guard let amzDateText = request.headers["x-amz-date"], let signedAt = AmzDate.parse(amzDateText) else {
            return .failure(AWSServiceError(status: 400, code: "IncompleteSignature", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
        }
        // Who owns the key, and with which secret.
        let secret: String, principal: MockPrincipal
        switch world.keyOwner(authorization.accessKeyID) {
        case nil, .inactiveKey:
            return .failure(.invalidClientTokenID)
        case .user(let user, let userSecret):
            guard request.headers["x-amz-security-token"] == nil else { return .failure(.invalidClientTokenID) }
            secret = userSecret
            principal = .user(user)
        case .session(let session):
            guard request.headers["x-amz-security-token"] == session.token else { return .failure(.invalidClientTokenID) }
            guard session.expiration > world.now else { return .failure(.expiredToken) }
            secret = session.secret
            principal = .session(session)
        }
        let now = world.now
        if abs(now.timeIntervalSince(signedAt)) > 15 * 60 {
            return .failure(.signatureExpired(
                amzDateText, now: AmzDate(now).timestamp, earliest: AmzDate(now.addingTimeInterval(-15 * 60)).timestamp
            ))
        }
        guard authorization.day == String(amzDateText.prefix(8)) else { return .failure(.signatureDoesNotMatch) }
        // Recompute over exactly the headers the client says it signed.
        var headers: [(name: String, value: String)] = []
        for name in authorization.signedHeaders {
            guard let value = request.headers[name] else { return .failure(.signatureDoesNotMatch) }
            headers.append((name, value))
        }
        guard authorization.signedHeaders.contains("host") else { return .failure(.signatureDoesNotMatch) }
        let query: [(name: String, value: String)] = (request.query ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (URIEncoding.decode(parts[0]) ?? "", parts.count > 1 ? URIEncoding.decode(parts[1]) ?? "" : "")
        }
        let payloadHash = request.headers["x-amz-content-sha256"] ?? SHA256.hash(data: request.body).map { String(format: "%02x", $0) }.joined()
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: authorization.accessKeyID, secretAccessKey: secret),
            region: authorization.region, service: authorization.service, keyCache: Self.keyCache
        )
        let expected = signer.sign(
            method: request.method, path: URIEncoding.decode(Substring(request.path)) ?? request.path, query: query,
            headers: headers, payloadHash: payloadHash, amzDate: AmzDate(signedAt)
        )
        guard Self.constantTimeEqual(expected.signature, authorization.signature) else {
            return .failure(.signatureDoesNotMatch)
        }
        return .success((principal, authorization))
    }

    private static let keyCache = SigningKeyCache(capacity: 256)

    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
