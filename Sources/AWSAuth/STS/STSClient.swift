import Foundation

/// Temporary credentials from AssumeRole or AssumeRoleWithWebIdentity.
public struct STSAssumedRole: Sendable, Equatable {
    /// With session token and expiration.
    public let credentials: AWSCredentials
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    public let assumedRoleARN: String
    /// `AROA…:<session>`.
    public let assumedRoleID: String?
}

/// GetCallerIdentity: who the credentials belong to.
public struct STSCallerIdentity: Sendable, Equatable {
    public let arn: String
    public let account: String
    public let userID: String
}

/// The STS calls the credential providers need, in the query protocol
/// (https://docs.aws.amazon.com/STS/latest/APIReference/): `POST /` with a form body
/// `Action=…&Version=2011-06-15&…`, SigV4 in headers with service `sts`, XML replies.
public struct STSClient: Sendable {
    public static let apiVersion = "2011-06-15"

    public let transport: any AWSHTTPTransport
    /// `https://sts.us-east-1.amazonaws.com`, or the user's override.
    public let endpoint: String
    /// The signing region.
    public let region: String
    public var retry: RetryPolicy
    /// Per attempt.
    public var timeout: Duration

    public init(
        transport: any AWSHTTPTransport, endpoint: String, region: String,
        retry: RetryPolicy = .standard, timeout: Duration = .seconds(10)
    ) {
        self.transport = transport
        self.endpoint = endpoint
        self.region = region
        self.retry = retry
        self.timeout = timeout
    }

    /// The client for a credential resolution: its region and its STS endpoint.
    public init(transport: any AWSHTTPTransport, context: CredentialContext, retry: RetryPolicy = .standard) {
        let resolver = AWSEndpointResolver(context)
        let region = resolver.region
        self.init(transport: transport, endpoint: resolver.endpoint(for: .sts, region: region), region: region, retry: retry)
    }

    // MARK: Calls

    /// `DurationSeconds` is left to STS when nil (one hour; at most one hour when chaining roles).
    public func assumeRole(
        credentials: AWSCredentials, roleARN: String, sessionName: String,
        externalID: String? = nil, durationSeconds: Int? = nil
    ) async throws -> STSAssumedRole {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let document = try await call("AssumeRole", parameters, signedWith: credentials)
        return try assumedRole(document, action: "AssumeRole")
    }

    /// Unsigned: the web identity token is the proof.
    public func assumeRoleWithWebIdentity(webIdentityToken: String, roleARN: String, sessionName: String) async throws -> STSAssumedRole {
        let parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken)]
        let document = try await call("AssumeRoleWithWebIdentity", parameters, signedWith: nil)
        return try assumedRole(document, action: "AssumeRoleWithWebIdentity")
    }

    public func getCallerIdentity(credentials: AWSCredentials) async throws -> STSCallerIdentity {
        let document = try await call("GetCallerIdentity", [], signedWith: credentials)
        guard let arn = document.value("GetCallerIdentityResult", "Arn"),
              let account = document.value("GetCallerIdentityResult", "Account"),
              let userID = document.value("GetCallerIdentityResult", "UserId")
        else { throw malformed("GetCallerIdentity", status: 200, "it has no Arn, Account or UserId") }
        return STSCallerIdentity(arn: arn, account: account, userID: userID)
    }

    // MARK: The exchange

    /// The form body, parameters in the order given (STS does not care; tests read it).
    static func formBody(action: String, _ parameters: [(String, String)]) -> String {
        ([("Action", action), ("Version", apiVersion)] + parameters)
            .map { "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1))" }
            .joined(separator: "&")
    }

    /// Builds the HTTP request; `date` is when it is signed.
    func request(action: String, _ parameters: [(String, String)], signedWith credentials: AWSCredentials?, date: Date) throws -> AWSHTTPRequest {
        // URLComponents, not URL: URL.path drops a trailing slash.
        guard let url = URLComponents(string: endpoint), let host = url.host, !host.isEmpty,
              let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http"
        else {
            throw AWSHTTPTransportError(kind: .invalidURL, url: endpoint, detail: "the STS endpoint must be an http:// or https:// URL")
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let hostHeader = url.port.map { "\(bracketed):\($0)" } ?? bracketed
        let path = url.path.isEmpty ? "/" : url.path
        var target = "\(scheme)://\(hostHeader)\(path)"
        if let query = url.query { target += "?" + query }
        let body = Array(Self.formBody(action: action, parameters).utf8)
        var headers = [("Host", hostHeader), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        if let credentials {
            let signer = SigV4Signer(credentials: credentials, region: region, service: "sts")
            let signed = signer.signHeaders(SigV4Request(method: "POST", path: path, headers: headers, body: body), date: date)
            headers += signed.headersToAdd
        }
        return AWSHTTPRequest(method: "POST", url: target, headers: headers, body: body)
    }

    func call(_ action: String, _ parameters: [(String, String)], signedWith credentials: AWSCredentials?) async throws -> QueryXMLDocument {
        try await retry.run { () async throws -> QueryXMLDocument in
            // Signed again for each attempt: the signature carries the time.
            let request = try self.request(action: action, parameters, signedWith: credentials, date: Date())
            let response = try await transport.send(request, timeout: timeout)
            return try interpret(response, action: action)
        } shouldRetry: { error in
            switch error {
            case let error as STSError: error.isRetryable
            case let error as AWSHTTPTransportError: error.kind != .invalidURL
            default: false
            }
        }
    }

    func interpret(_ response: AWSHTTPResponse, action: String) throws -> QueryXMLDocument {
        let document = QueryXMLDocument(response.body)
        guard (200...299).contains(response.status) else {
            if let document, let code = document.value("Error", "Code") {
                throw STSError(
                    code: code, message: document.value("Error", "Message") ?? "", httpStatus: response.status,
                    type: document.value("Error", "Type"), requestID: document.value("RequestId")
                )
            }
            throw malformed(action, status: response.status, "it is not an AWS error document")
        }
        guard let document, document.rootName == "\(action)Response" else {
            throw malformed(action, status: response.status, "it is not a \(action)Response document")
        }
        return document
    }

    func assumedRole(_ document: QueryXMLDocument, action: String) throws -> STSAssumedRole {
        let result = "\(action)Result"
        guard let keyID = document.value(result, "Credentials", "AccessKeyId"),
              let secret = document.value(result, "Credentials", "SecretAccessKey"),
              let token = document.value(result, "Credentials", "SessionToken"),
              let expirationText = document.value(result, "Credentials", "Expiration")
        else { throw malformed(action, status: 200, "its Credentials are incomplete") }
        guard let expiration = ISO8601Timestamp.parse(expirationText) else {
            throw malformed(action, status: 200, "its Expiration is not an ISO 8601 time")
        }
        return STSAssumedRole(
            credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration),
            assumedRoleARN: document.value(result, "AssumedRoleUser", "Arn") ?? "",
            assumedRoleID: document.value(result, "AssumedRoleUser", "AssumedRoleId")
        )
    }

    /// Never quotes the body: a half-readable success reply holds the secret key.
    func malformed(_ action: String, status: Int, _ why: String) -> STSError {
        STSError(
            code: STSError.malformedResponseCode,
            message: "\(action) at \(endpoint) answered HTTP \(status), but \(why); check the STS endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)",
            httpStatus: status
        )
    }
}
