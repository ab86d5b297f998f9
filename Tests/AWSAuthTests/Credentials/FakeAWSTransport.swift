import Foundation
import Synchronization
@testable import AWSAuth

/// An `AWSHTTPTransport` that records every request and answers from a closure with canned
/// AWS replies, so the network providers are tested without a network.
final class FakeAWSTransport: AWSHTTPTransport {
    typealias Handler = @Sendable (AWSHTTPRequest) async throws -> AWSHTTPResponse

    private let handler: Handler
    private let log = Mutex<[(request: AWSHTTPRequest, timeout: Duration)]>([])

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// Answers the i-th request with `replies[i]` (the last one repeats).
    convenience init(sequence replies: [Result<AWSHTTPResponse, AWSHTTPTransportError>]) {
        let counter = Counter()
        self.init { _ in try replies[min(counter.next(), replies.count - 1)].get() }
    }

    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        log.withLock { $0.append((request, timeout)) }
        return try await handler(request)
    }

    var requests: [AWSHTTPRequest] { log.withLock { $0.map(\.request) } }
    var timeouts: [Duration] { log.withLock { $0.map(\.timeout) } }
    /// `PUT /latest/api/token`: method and path of each request, for order checks.
    var calls: [String] { requests.map { "\($0.method) \(URLComponents(string: $0.url)?.path ?? $0.url)" } }
}

extension AWSHTTPRequest {
    /// The form body as name → value (STS query protocol).
    var form: [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields[URIEncoding.decode(parts[0]) ?? ""] = parts.count > 1 ? URIEncoding.decode(parts[1]) : ""
        }
        return fields
    }
}

extension RetryPolicy {
    /// Real attempts, no waiting; the waits it would have made are kept in `waits`.
    static func instant(_ waits: WaitLog = WaitLog(), maxAttempts: Int = 3) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, jitter: { 1 }, sleep: { duration in waits.append(duration) })
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { value in defer { value += 1 }; return value } }
}

final class WaitLog: Sendable {
    private let waits = Mutex<[Duration]>([])
    func append(_ duration: Duration) { waits.withLock { $0.append(duration) } }
    var all: [Duration] { waits.withLock { $0 } }
}

/// Canned replies in the shapes AWS sends.
enum Canned {
    static let expiration = "2099-01-01T00:00:00Z"

    static func assumeRole(
        action: String = "AssumeRole", keyID: String = "ASIAASSUMEDEXAMPLE", secret: String = "assumed-secret",
        token: String = "assumed-token", arn: String = "arn:aws:sts::222222222222:assumed-role/db/session"
    ) -> AWSHTTPResponse {
        AWSHTTPResponse(status: 200, headers: [("Content-Type", "text/xml")], text: """
            <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <\(action)Result>
                <AssumedRoleUser>
                  <AssumedRoleId>AROA3XFRBF535PLBIFPI4:session</AssumedRoleId>
                  <Arn>\(arn)</Arn>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>\(keyID)</AccessKeyId>
                  <SecretAccessKey>\(secret)</SecretAccessKey>
                  <SessionToken>\(token)</SessionToken>
                  <Expiration>\(expiration)</Expiration>
                </Credentials>
              </\(action)Result>
              <ResponseMetadata>
                <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
              </ResponseMetadata>
            </\(action)Response>
            """)
    }

    static func stsError(_ code: String, _ message: String, status: Int, type: String = "Sender") -> AWSHTTPResponse {
        AWSHTTPResponse(status: status, headers: [("Content-Type", "text/xml")], text: """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error>
                <Type>\(type)</Type>
                <Code>\(code)</Code>
                <Message>\(message)</Message>
              </Error>
              <RequestId>4c0e0a2e-1c1a-4f6e-9a57-0d7a3c4d9f11</RequestId>
            </ErrorResponse>
            """)
    }

    static func metadataCredentials(keyID: String = "ASIAMETADATAEXAMPLE", secret: String = "metadata-secret", token: String = "metadata-token") -> AWSHTTPResponse {
        AWSHTTPResponse(status: 200, headers: [("Content-Type", "application/json")], text: """
            {
              "Code" : "Success",
              "LastUpdated" : "2026-11-20T10:00:00Z",
              "Type" : "AWS-HMAC",
              "AccessKeyId" : "\(keyID)",
              "SecretAccessKey" : "\(secret)",
              "Token" : "\(token)",
              "Expiration" : "\(expiration)"
            }
            """)
    }
}
