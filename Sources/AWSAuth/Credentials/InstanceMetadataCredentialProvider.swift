import Foundation

/// The EC2 instance profile's role from the instance metadata service (botocore's
/// `InstanceMetadataProvider` with `InstanceMetadataFetcher`), IMDSv2 first:
///
/// 1. `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600` → session token;
/// 2. `GET /latest/meta-data/iam/security-credentials/` → the role name;
/// 3. `GET /latest/meta-data/iam/security-credentials/<role>` → credentials JSON,
///    both GETs with `x-aws-ec2-metadata-token`.
///
/// A PUT that times out or gets 403/404/405 falls back to IMDSv1 (the same GETs without a
/// token) unless v1 is disabled; a 400 stops. Every call has the metadata timeout (1 s) and the
/// configured number of attempts (1). Whatever goes wrong is `.notFound` with a line saying what
/// was tried and how long it took, as botocore moves on — this is the last provider of the chain.
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
public struct InstanceMetadataCredentialProvider: CredentialProvider {
    public let name = "iam-role"
    let transport: any AWSHTTPTransport

    public init(transport: any AWSHTTPTransport) {
        self.transport = transport
    }

    static let tokenPath = "/latest/api/token"
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        let resolver = AWSEndpointResolver(context)
        if resolver.instanceMetadataDisabled { return .notFound("\(name): AWS_EC2_METADATA_DISABLED=true") }
        let attempts = resolver.setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", profileKey: "metadata_service_num_attempts")
            .flatMap { Int($0) }.map { min(max($0, 1), 10) } ?? 1
        let seconds = resolver.setting("AWS_METADATA_SERVICE_TIMEOUT", profileKey: "metadata_service_timeout")
            .flatMap { Int($0) }.map { min(max($0, 1), 60) } ?? 1
        var session = Session(
            transport: transport, base: resolver.instanceMetadataEndpoint, timeout: .seconds(seconds), attempts: attempts
        )
        let outcome = try await session.fetch(v1Disabled: resolver.instanceMetadataV1Disabled)
        let elapsed = ContinuousClock.now - session.start
        switch outcome {
        case .found(let credentials):
            return .found(credentials)
        case .notFound(let why):
            let tried = session.tried.joined(separator: "; ")
            return .notFound("\(name): \(why) (IMDS at \(session.base), \(elapsed.secondsText) in all: \(tried))")
        }
    }

    /// One resolution's calls, and the log of what was tried for the report.
    struct Session {
        let transport: any AWSHTTPTransport
        let base: String
        let timeout: Duration
        let attempts: Int
        let start = ContinuousClock.now
        var tried: [String] = []

        init(transport: any AWSHTTPTransport, base: String, timeout: Duration, attempts: Int) {
            self.transport = transport
            self.base = base
            self.timeout = timeout
            self.attempts = attempts
        }

        enum Answer {
            case response(AWSHTTPResponse)
            case failed(AWSHTTPTransportError)
        }

        /// One HTTP call, logged as `PUT /latest/api/token → 200` or `… → no reply within 1 s`.
        mutating func call(_ method: String, _ path: String, headers: [(String, String)], label: String? = nil) async throws -> Answer {
            let request = AWSHTTPRequest(method: method, url: base + path, headers: headers.map { (name: $0.0, value: $0.1) })
            let shown = "\(method) \(label ?? path)"
            do {
                let response = try await transport.send(request, timeout: timeout)
                tried.append("\(shown) → HTTP \(response.status)")
                return .response(response)
            } catch let error as AWSHTTPTransportError {
                tried.append(error.kind == .timedOut
                    ? "\(shown) → no reply within \(timeout.secondsText)"
                    : "\(shown) → \(error.kind == .invalidURL ? "invalid URL" : "connection failed")")
                return .failed(error)
            }
        }

        /// IMDSv2 token, or nil to go on without one; throws `Stop` for a 400.
        mutating func token() async throws -> (token: String?, why: String) {
            var why = "no reply"
            for _ in 0..<attempts {
                switch try await call("PUT", InstanceMetadataCredentialProvider.tokenPath, headers: [("x-aws-ec2-metadata-token-ttl-seconds", "21600")]) {
                case .response(let response) where response.status == 200 && !response.body.isEmpty:
                    return (response.text, "")
                case .response(let response) where [403, 404, 405].contains(response.status):
                    return (nil, "the token request answered HTTP \(response.status)")
                case .response(let response) where response.status == 400:
                    throw Stop(why: "IMDS rejected the token request (HTTP 400)")
                case .response(let response):
                    why = "the token request answered HTTP \(response.status)"
                case .failed(let error) where error.kind == .timedOut:
                    // botocore: a read timeout goes straight to v1.
                    return (nil, "no reply to the IMDSv2 token request within \(timeout.secondsText) "
                        + "(in a container, the instance's metadata hop limit is probably 1; set it to 2)")
                case .failed(let error):
                    why = error.kind == .invalidURL ? "the endpoint URL is invalid" : "cannot connect"
                }
            }
            return (nil, why)
        }

        struct Stop: Error { let why: String }

        /// A GET retried (up to `attempts`) on a non-200 or empty reply, as botocore does.
        mutating func get(_ path: String, token: String?, label: String? = nil, accept: (AWSHTTPResponse) -> Bool) async throws -> Answer {
            var last: Answer = .failed(AWSHTTPTransportError(kind: .connectionFailed, url: base + path))
            for _ in 0..<attempts {
                last = try await call("GET", path, headers: token.map { [("x-aws-ec2-metadata-token", $0)] } ?? [], label: label)
                if case .response(let response) = last, accept(response) { return last }
            }
            return last
        }

        mutating func fetch(v1Disabled: Bool) async throws -> CredentialResolution {
            let token: String?
            do {
                let (value, why) = try await self.token()
                if value == nil, v1Disabled {
                    return .notFound("\(why); IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED or ec2_metadata_v1_disabled), so nothing else was tried")
                }
                token = value
            } catch let stop as Stop {
                return .notFound(stop.why)
            }
            let listing = try await get(InstanceMetadataCredentialProvider.credentialsPath, token: token) {
                $0.status == 200 && !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }
            guard case .response(let roles) = listing, roles.status == 200 else {
                if case .response(let roles) = listing, roles.status == 404 {
                    return .notFound("no IAM role is attached to this instance")
                }
                return .notFound(describe(listing, what: "the role name"))
            }
            guard let role = roles.text.split(whereSeparator: \.isNewline).first.map({ String($0).trimmingCharacters(in: .whitespaces) }),
                  !role.isEmpty
            else { return .notFound("IMDS listed no role") }
            let answer = try await get(InstanceMetadataCredentialProvider.credentialsPath + role, token: token) {
                $0.status == 200 && MetadataCredentials.read($0.body) != .notJSON
            }
            guard case .response(let response) = answer, response.status == 200 else {
                return .notFound(describe(answer, what: "the credentials of role \(role)"))
            }
            switch MetadataCredentials.read(response.body) {
            case .credentials(let credentials): return .found(credentials)
            case .incomplete(let problem): return .notFound("role \(role): \(problem)")
            case .notJSON: return .notFound("role \(role): the reply is not JSON")
            }
        }

        func describe(_ answer: Answer, what: String) -> String {
            switch answer {
            case .response(let response): "cannot read \(what): HTTP \(response.status)"
            case .failed(let error) where error.kind == .timedOut: "cannot read \(what): no reply within \(timeout.secondsText)"
            case .failed: "cannot read \(what): cannot connect"
            }
        }
    }
}
