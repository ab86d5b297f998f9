/// An error STS answered with (`<ErrorResponse><Error><Type/><Code/><Message/></Error>`), or a
/// reply that was not what STS sends.
///
/// The description is `<Code>: <Message>` as the AWS CLI prints it, e.g.
/// `AccessDenied: User: arn:aws:iam::111111111111:user/alice is not authorized to perform:
/// sts:AssumeRole on resource: arn:aws:iam::222222222222:role/db`. STS messages never hold
/// secrets; a body that cannot be parsed is never quoted (it may hold credentials).
public struct STSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The AWS error code: `AccessDenied`, `ExpiredToken`, `Throttling`, `InvalidIdentityToken`, …
    public let code: String
    public let message: String
    public let httpStatus: Int
    /// `Sender` or `Receiver`, when STS said.
    public let type: String?
    public let requestID: String?

    public init(code: String, message: String, httpStatus: Int, type: String? = nil, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.type = type
        self.requestID = requestID
    }

    public var description: String { "\(code): \(message)" }

    /// A reply that is not an STS document (a proxy's page, a truncated body).
    static let malformedResponseCode = "MalformedResponse"

    /// Codes botocore's standard retry mode treats as throttling or transient
    /// (botocore/retries/standard.py), plus STS's `IDPCommunicationError` (botocore/retries/special.py).
    static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
        "RequestTimeout", "RequestTimeoutException", "IDPCommunicationError",
    ]

    /// Worth another attempt: throttling, a transient code, or a 5xx. Never `AccessDenied` or
    /// another 4xx: asking again gives the same answer.
    public var isRetryable: Bool {
        Self.retryableCodes.contains(code) || (500...599).contains(httpStatus)
    }
}
