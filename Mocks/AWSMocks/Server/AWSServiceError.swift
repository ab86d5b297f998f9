/// An AWS error as the service returns it: HTTP status, code, message, and the fault side.
public struct AWSServiceError: Error, Sendable, Equatable {
    public let status: Int
    public let code: String
    public let message: String
    /// `Sender` or `Receiver` (query protocol's `<Type>`).
    public let type: String

    public init(status: Int, code: String, message: String, type: String = "Sender") {
        self.status = status
        self.code = code
        self.message = message
        self.type = type
    }

    // MARK: Authentication errors, as STS/IAM/RDS (query) name them

    public static let missingAuthentication = AWSServiceError(
        status: 403, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token"
    )
    public static let invalidClientTokenID = AWSServiceError(
        status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid."
    )
    public static let signatureDoesNotMatch = AWSServiceError(
        status: 403, code: "SignatureDoesNotMatch",
        message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )
    public static let expiredToken = AWSServiceError(
        status: 400, code: "ExpiredToken", message: "The security token included in the request is expired"
    )
    public static func signatureExpired(_ amzDate: String, now: String, earliest: String) -> AWSServiceError {
        AWSServiceError(
            status: 403, code: "SignatureDoesNotMatch",
            message: "Signature expired: \(amzDate) is now earlier than \(earliest) (\(now) - 15 min.)"
        )
    }
    public static func invalidAction(_ action: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "InvalidAction", message: "Could not find operation \(action) for version NO_VERSION_SPECIFIED")
    }
    public static func missingParameter(_ name: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "MissingParameter", message: "The request must contain the parameter \(name)")
    }
    public static func validation(_ message: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "ValidationError", message: message)
    }

    /// The same failure in JSON 1.1 services' words (Secrets Manager, Redshift Serverless).
    var jsonEquivalent: AWSServiceError {
        switch code {
        case "InvalidClientTokenId": AWSServiceError(status: 400, code: "UnrecognizedClientException", message: message)
        case "SignatureDoesNotMatch": AWSServiceError(status: 400, code: "InvalidSignatureException", message: message)
        case "MissingAuthenticationToken": AWSServiceError(status: 400, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
        case "ExpiredToken": AWSServiceError(status: 400, code: "ExpiredTokenException", message: message)
        default: self
        }
    }
}
