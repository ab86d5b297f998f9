import Foundation

/// The RDS IAM authentication token, byte for byte what `aws rds generate-db-auth-token`
/// (botocore `generate_db_auth_token`) prints: a presigned `connect` URL without its scheme.
///
/// A token is a bearer secret for 15 minutes: never log it.
public enum RDSAuthToken {
    /// How long RDS accepts a token after its `X-Amz-Date`.
    public static let lifetime = 900
    public static let service = "rds-db"

    /// - Parameters:
    ///   - host: the endpoint as the user wrote it; the token text keeps its case.
    ///   - port: the database port; 443 is not part of the signed host (it is HTTPS's default).
    public static func generate(
        host: String, port: Int, user: String, region: String,
        credentials: AWSCredentials, date: Date = Date(), keyCache: SigningKeyCache = .shared
    ) -> String {
        let signedHost = port == 443 ? host.lowercased() : "\(host.lowercased()):\(port)"
        let request = SigV4Request(
            method: "GET", path: "/",
            query: [("Action", "connect"), ("DBUser", user)],
            headers: [("host", signedHost)]
        )
        let signer = SigV4Signer(credentials: credentials, region: region, service: service, keyCache: keyCache)
        let presigned = signer.presign(request, date: date, expires: lifetime)
        // botocore's order: the operation's parameters, then the auth parameters, the token
        // last before the signature (the canonical query sorts them; the URL does not).
        var token = "\(host):\(port)/?Action=connect&DBUser=\(URIEncoding.encode(user))"
        token += "&X-Amz-Algorithm=\(SigV4Signer.algorithm)"
        token += "&X-Amz-Credential=\(URIEncoding.encode(presigned.credential))"
        token += "&X-Amz-Date=\(presigned.signature.amzDate)"
        token += "&X-Amz-Expires=\(lifetime)"
        token += "&X-Amz-SignedHeaders=\(presigned.signature.signedHeaders)"
        if let sessionToken = presigned.securityToken {
            token += "&X-Amz-Security-Token=\(URIEncoding.encode(sessionToken))"
        }
        token += "&X-Amz-Signature=\(presigned.signature.signature)"
        return token
    }
}
