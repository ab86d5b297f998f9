import Crypto
import Foundation

/// An OpenID Connect provider of the lab (as EKS's or GitHub's would be): it mints ES256-signed
/// web identity tokens, and STS verifies them with its public key, so
/// AssumeRoleWithWebIdentity checks a real signature, issuer, audience and expiry.
public struct MockOIDCProvider: Sendable {
    /// `https://oidc.lab.example/id/...`: the `iss` claim.
    public let issuer: String
    let key: P256.Signing.PrivateKey

    public init(issuer: String, key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) {
        self.issuer = issuer
        self.key = key
    }

    /// `arn:aws:iam::<account>:oidc-provider/<issuer without https://>` as trust policies name it.
    public func arn(account: String) -> String {
        "arn:aws:iam::\(account):oidc-provider/\(issuerHost)"
    }

    /// The issuer without its scheme: the prefix of the `…:sub` and `…:aud` condition keys.
    public var issuerHost: String {
        issuer.hasPrefix("https://") ? String(issuer.dropFirst(8)) : issuer
    }

    public func mint(subject: String, audience: String = "sts.amazonaws.com", issuedAt: Date, lifetime: TimeInterval = 3600) -> String {
        let header = Self.base64URL(Data(#"{"alg":"ES256","typ":"JWT","kid":"lab"}"#.utf8))
        let claims: [String: Any] = [
            "iss": issuer, "sub": subject, "aud": audience,
            "iat": Int(issuedAt.timeIntervalSince1970), "exp": Int(issuedAt.timeIntervalSince1970 + lifetime),
        ]
        let payload = Self.base64URL((try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
        let signingInput = "\(header).\(payload)"
        let signature = (try? key.signature(for: Data(signingInput.utf8)).rawRepresentation) ?? Data()
        return "\(signingInput).\(Self.base64URL(signature))"
    }

    /// The verified claims, or why the token is refused (STS's error).
    func verify(_ token: String, now: Date) -> Result<[String: Any], AWSServiceError> {
        let invalid = AWSServiceError(status: 400, code: "InvalidIdentityToken", message: "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payloadData = Self.base64URLDecode(parts[1]), let signatureData = Self.base64URLDecode(parts[2]),
              let claims = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any],
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData),
              key.publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8))
        else { return .failure(invalid) }
        guard claims["iss"] as? String == issuer else {
            return .failure(AWSServiceError(status: 400, code: "InvalidIdentityToken", message: "No OpenIDConnect provider found in your account for \(claims["iss"] as? String ?? "?")"))
        }
        guard let expiry = claims["exp"] as? Int else { return .failure(invalid) }
        if Double(expiry) < now.timeIntervalSince1970 {
            return .failure(AWSServiceError(
                status: 400, code: "ExpiredTokenException",
                message: "Token expired: current date/time \(Int(now.timeIntervalSince1970)) must be before the expiration date/time \(expiry)"
            ))
        }
        return .success(claims)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
