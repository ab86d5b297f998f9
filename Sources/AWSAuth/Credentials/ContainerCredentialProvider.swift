import Foundation

/// The task or pod role from the ECS (or EKS Pod Identity) credentials endpoint, as botocore's
/// `ContainerProvider` and `ContainerMetadataFetcher` read it:
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` → `http://169.254.170.2<uri>`; else
/// - `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which must be https, or http on a loopback address or
///   one of the container hosts 169.254.170.2 (ECS), 169.254.170.23 / fd00:ec2::23 (EKS Pod
///   Identity), `localhost` — anything else could hand the token to an arbitrary host;
/// - `Authorization` from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every resolution:
///   EKS rotates it) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// A GET with a 2 s timeout, 3 attempts 1 s apart; JSON `{AccessKeyId, SecretAccessKey, Token,
/// Expiration}`. Configured but failing is an error, not `.notFound`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
public struct ContainerCredentialProvider: CredentialProvider {
    public let name = "container-role"
    let transport: any AWSHTTPTransport
    let timeout: Duration
    let retry: RetryPolicy

    public init(
        transport: any AWSHTTPTransport, timeout: Duration = .seconds(2),
        retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(1), maxDelay: .seconds(1), jitter: { 1 })
    ) {
        self.transport = transport
        self.timeout = timeout
        self.retry = retry
    }

    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        let resolver = AWSEndpointResolver(context)
        guard let endpoint = resolver.containerCredentialsEndpoint else {
            return .notFound("\(name): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        let (url, variable) = endpoint
        let source = "\(name) (\(variable))"
        if variable == "AWS_CONTAINER_CREDENTIALS_FULL_URI" { try Self.checkAllowed(url, source: source) }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        let authorization = try Self.authorization(resolver.containerAuthorization, environment: context.environment, source: source)
        if let authorization {
            headers.append(("Authorization", authorization))
        }
        let request = AWSHTTPRequest(method: "GET", url: url, headers: headers)
        do {
            let credentials = try await retry.run {
                try await fetch(request, authorization: authorization)
            } shouldRetry: { error in
                if let error = error as? AWSHTTPTransportError { return error.kind != .invalidURL }
                return error is Failure
            }
            return .found(credentials)
        } catch let failure as Failure {
            throw CredentialError(code: .credentialRetrieval, source: source, message: "GET \(url): \(failure.why)")
        } catch let error as AWSHTTPTransportError {
            throw CredentialError(code: .credentialRetrieval, source: source, message: "\(error)", underlying: error)
        }
    }

    /// Why one attempt gave no credentials; the body is quoted only for an error status, with
    /// the authorization token cut out.
    struct Failure: Error { let why: String }

    func fetch(_ request: AWSHTTPRequest, authorization: String?) async throws -> AWSCredentials {
        let response = try await transport.send(request, timeout: timeout)
        guard response.status == 200 else {
            var body = String(response.text.prefix(300)).trimmingCharacters(in: .whitespacesAndNewlines)
            if let authorization, !authorization.isEmpty { body = body.replacingOccurrences(of: authorization, with: "<redacted>") }
            throw Failure(why: "received HTTP \(response.status) from the container credentials endpoint" + (body.isEmpty ? "" : ": \(body)"))
        }
        switch MetadataCredentials.read(response.body) {
        case .credentials(let credentials): return credentials
        case .incomplete(let problem): throw Failure(why: problem)
        case .notJSON: throw Failure(why: "the reply is not JSON (\(response.body.count) bytes)")
        }
    }

    /// botocore's `_validate_allowed_url`.
    static func checkAllowed(_ url: String, source: String) throws(CredentialError) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), var host = parsed.host?.lowercased() else {
            throw CredentialError(code: .invalidConfiguration, source: source, message: "\(url) is not a URL")
        }
        if scheme == "https" { return }
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        guard scheme == "http", allowedHTTPHosts.contains(host) || isLoopback(host) else {
            throw CredentialError(
                code: .invalidConfiguration, source: source,
                message: "Unsupported host '\(host)': over http, container credentials are only fetched from a loopback "
                    + "address or one of 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost; use https or one of those"
            )
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    /// The `Authorization` value; a line break in it would split the header (botocore refuses
    /// it too). A trailing newline in the file, as `echo` writes it, is dropped.
    static func authorization(
        _ setting: AWSEndpointResolver.ContainerAuthorization, environment: CredentialEnvironment, source: String
    ) throws(CredentialError) -> String? {
        let token: String, origin: String
        switch setting {
        case .none:
            return nil
        case .token(let value):
            (token, origin) = (value, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
        case .tokenFile(let path):
            let expanded = environment.expandingTilde(path)
            guard let data = FileManager.default.contents(atPath: expanded) else {
                throw CredentialError(
                    code: .unreadableFile, source: source,
                    message: "cannot read the authorization token file \(expanded) (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
                )
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            origin = "the file \(expanded) (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
        }
        guard !token.contains("\n"), !token.contains("\r") else {
            throw CredentialError(
                code: .invalidConfiguration, source: source,
                message: "the authorization token from \(origin) contains a line break, which is not a legal header value"
            )
        }
        return token
    }
}
