import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One HTTP exchange with an AWS endpoint (STS, the ECS credentials endpoint, IMDS).
///
/// The providers speak through `AWSHTTPTransport` only, so tests hand them a fake that records
/// requests and answers with canned AWS responses, and nothing in the unit tests needs a network.
public struct AWSHTTPRequest: Sendable {
    public var method: String
    /// Absolute URL: `https://sts.us-east-1.amazonaws.com/`, `http://169.254.169.254/latest/api/token`.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

public struct AWSHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], text: String) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends one request and returns the whole response, or throws `AWSHTTPTransportError`.
/// A non-2xx status is a response, not an error: the callers read AWS error bodies.
public protocol AWSHTTPTransport: Sendable {
    func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse
}

/// The request never got a complete answer. Carries the URL (never headers or body: those
/// hold tokens and signatures) so a report can say where it went.
public struct AWSHTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No complete response within the timeout (the IMDSv2 hop-limit symptom).
        case timedOut
        /// Refused, reset, unreachable, TLS failure: nothing usable came back.
        case connectionFailed
        /// The URL cannot be requested (not http or https, no host).
        case invalidURL
    }

    public let kind: Kind
    public let url: String
    /// What the HTTP stack said, for the report (no request contents).
    public let detail: String

    public init(kind: Kind, url: String, detail: String = "") {
        self.kind = kind
        self.url = url
        self.detail = detail
    }

    public var description: String {
        let what = switch kind {
        case .timedOut: "no response from \(url) in time"
        case .connectionFailed: "cannot connect to \(url)"
        case .invalidURL: "cannot send a request to \(url)"
        }
        return detail.isEmpty ? what : "\(what) (\(detail))"
    }
}

/// `AWSHTTPTransport` on AsyncHTTPClient: HTTPS with full certificate verification for AWS,
/// plain HTTP for IMDS, the ECS endpoint and loopback mocks.
public struct AsyncHTTPClientTransport: AWSHTTPTransport {
    let client: HTTPClient
    /// Credential responses are a few kilobytes; anything far larger is not AWS.
    let maximumBodySize: Int

    /// `client` defaults to `AsyncHTTPClientTransport.sharedClient`, which lives as long as the
    /// process and needs no shutdown.
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient, maximumBodySize: Int = 1 << 20) {
        self.client = client
        self.maximumBodySize = maximumBodySize
    }

    /// Like `HTTPClient.shared`, with three differences that matter for credentials:
    /// - a refused connection fails the request at once instead of being retried until the
    ///   deadline (the callers have their own retry policy, and a wrong `AWS_ENDPOINT_URL_STS`
    ///   should not cost 10 s per attempt);
    /// - redirects are not followed (AWS does not redirect these calls; following one would
    ///   send a signed request, or a container token, to another host);
    /// - TLS 1.2 at least, with full certificate verification.
    public static let sharedClient: HTTPClient = {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.connectionPool.retryConnectionEstablishment = false
        // Never shut down: a process-wide client, like `HTTPClient.shared`.
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> AWSHTTPResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", url.host != nil
        else {
            throw AWSHTTPTransportError(kind: .invalidURL, url: request.url, detail: "expected an http:// or https:// URL")
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let components = timeout.components
        let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        do {
            // The deadline covers connecting, sending and reading the whole body.
            let deadline = NIODeadline.now() + .nanoseconds(nanoseconds)
            let response = try await client.execute(outgoing, deadline: deadline)
            let body = try await response.body.collect(upTo: maximumBodySize)
            return AWSHTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: Array(buffer: body)
            )
        } catch let error as HTTPClientError {
            let timedOut: [HTTPClientError] = [.deadlineExceeded, .connectTimeout, .readTimeout]
            throw AWSHTTPTransportError(
                kind: timedOut.contains(error) ? .timedOut : .connectionFailed, url: request.url, detail: "\(error)"
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AWSHTTPTransportError(kind: .connectionFailed, url: request.url, detail: "\(error)")
        }
    }
}
