import Foundation
import Hummingbird
import Synchronization

/// EC2 instance metadata (IMDSv1 and v2) with an attached role whose credentials are real sessions
/// in the mock world. Failure modes switch at run time, as a scenario needs them.
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
public final class MockInstanceMetadata: MockHTTPRoutes, Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case normal
        /// In a container behind a hop limit of 1: the token PUT's answer never arrives in time
        /// (held for `hold`, then a 504). Tokenless GETs still work unless `tokensRequired`.
        case hopLimit1
        /// `HttpTokens: required`: tokenless GETs get 401.
        case v1Disabled
        /// No instance profile: the credentials listing is 404.
        case noRole
        /// Every answer comes `delay` late.
        case slow

        /// The raw value or the lab file's spelling (`hop-limit-1`, `v1-disabled`, `no-role`).
        public init?(name: String) {
            let compact = name.split(separator: "-").enumerated().map { $0 == 0 ? String($1) : $1.prefix(1).uppercased() + $1.dropFirst() }.joined()
            self.init(rawValue: compact)
        }
    }

    public struct Configuration: Sendable, Equatable {
        public var mode: Mode = .normal
        public var delay: Duration = .milliseconds(1500)
        /// `HttpTokens: required` whatever the mode (v1Disabled implies it).
        public var tokensRequired = false
        /// How long hopLimit1 holds the token request (bounded, so handlers end).
        public var hold: Duration = .seconds(5)
        /// The instance profile's role; nil is noRole.
        public var roleARN: String?
        public var region: String

        public init(roleARN: String?, region: String = "us-east-1") {
            self.roleARN = roleARN
            self.region = region
        }
    }

    private struct State {
        var configuration: Configuration
        /// Issued IMDSv2 tokens and when each expires (the mock's clock).
        var tokens: [String: Date] = [:]
        var session: MockSession?
    }

    static let tokenTTLHeader = "x-aws-ec2-metadata-token-ttl-seconds"
    static let tokenHeader = "x-aws-ec2-metadata-token"
    /// Instance credentials last six hours and are renewed well before they run out.
    static let sessionDuration = 6 * 3600

    let world: MockAWSWorld
    private let state: Mutex<State>
    private let initialConfiguration: Configuration

    public init(world: MockAWSWorld, configuration: Configuration) {
        self.world = world
        state = Mutex(State(configuration: configuration))
        initialConfiguration = configuration
    }

    public var configuration: Configuration { state.withLock { $0.configuration } }

    public func update(_ body: (inout Configuration) -> Void) {
        state.withLock { body(&$0.configuration) }
    }

    public func reset() {
        state.withLock { $0 = State(configuration: initialConfiguration) }
    }

    /// `i-` and 17 hex digits, from the role: the session name EC2 gives instance credentials.
    var instanceID: String { "i-" + RDSNaming.hex(arnSeed: "instance:\(initialConfiguration.roleARN ?? "")", count: 17) }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.put("/latest/api/token") { request, _ in await self.token(request) }
        router.get("/latest/meta-data/iam/security-credentials") { request, _ in
            await self.answer(request) { configuration in
                guard configuration.mode != .noRole, let role = configuration.roleARN else { return HTTPReply.text(.notFound, "Not Found") }
                return HTTPReply.text(.ok, Self.roleName(role))
            }
        }
        router.get("/latest/meta-data/iam/security-credentials/:role") { request, context in
            let asked = context.parameters.get("role") ?? ""
            return await self.answer(request) { configuration in
                guard configuration.mode != .noRole, let role = configuration.roleARN, Self.roleName(role) == asked else {
                    return HTTPReply.text(.notFound, "Not Found")
                }
                return self.credentials(roleARN: role)
            }
        }
        router.get("/latest/meta-data/placement/region") { request, _ in
            await self.answer(request) { HTTPReply.text(.ok, $0.region) }
        }
        router.get("/latest/meta-data/placement/availability-zone") { request, _ in
            await self.answer(request) { HTTPReply.text(.ok, $0.region + "a") }
        }
        router.get("/latest/meta-data/instance-id") { request, _ in
            await self.answer(request) { _ in HTTPReply.text(.ok, self.instanceID) }
        }
    }

    /// PUT /latest/api/token: a token for 1…21600 seconds; 400 without a valid TTL header, 403
    /// through a proxy (`X-Forwarded-For`), as IMDS does.
    func token(_ request: Request) async -> Response {
        let configuration = await delayed()
        if configuration.mode == .hopLimit1 {
            try? await Task.sleep(for: configuration.hold)
            return HTTPReply.text(.gatewayTimeout, "")
        }
        if HTTPReply.header(request, "x-forwarded-for") != nil { return HTTPReply.text(.forbidden, "Forbidden") }
        guard let ttl = HTTPReply.header(request, Self.tokenTTLHeader).flatMap({ Int($0) }), (1...21_600).contains(ttl) else {
            return HTTPReply.text(.badRequest, "Bad Request")
        }
        let token = "AQAEA" + Data((0..<40).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let expiry = world.now.addingTimeInterval(TimeInterval(ttl))
        state.withLock { state in
            let now = world.now
            state.tokens = state.tokens.filter { $0.value > now }
            state.tokens[token] = expiry
        }
        return HTTPReply.text(.ok, token, headers: [(Self.tokenTTLHeader, String(ttl))])
    }

    /// A GET: a token, if sent, must be one we issued and still valid (else 401); without one,
    /// IMDSv1 must be allowed.
    func answer(_ request: Request, _ body: (Configuration) -> Response) async -> Response {
        let configuration = await delayed()
        if let token = HTTPReply.header(request, Self.tokenHeader) {
            let now = world.now
            let valid = state.withLock { $0.tokens[token].map { $0 > now } ?? false }
            guard valid else { return HTTPReply.text(.unauthorized, "Unauthorized") }
        } else if configuration.mode == .v1Disabled || configuration.tokensRequired {
            return HTTPReply.text(.unauthorized, "Unauthorized")
        }
        return body(configuration)
    }

    private func delayed() async -> Configuration {
        let configuration = self.configuration
        if configuration.mode == .slow { try? await Task.sleep(for: configuration.delay) }
        return configuration
    }

    /// The role's current session, renewed when it has less than 15 minutes left or the world
    /// no longer knows it (after a reset).
    func credentials(roleARN: String) -> Response {
        guard let role = world.role(arn: roleARN) else {
            // IMDS answers 200 with an error Code when the instance profile's role is unusable.
            return HTTPReply.json(.ok, [
                "Code": "AssumeRoleUnauthorizedAccess", "Message": "EC2 cannot assume the role \(Self.roleName(roleARN)).",
                "LastUpdated": WireFormat.timestamp(world.now),
            ])
        }
        let session = world.sessionForCredentialEndpoint(
            current: state.withLock { $0.session }, role: role, sessionName: instanceID, duration: Self.sessionDuration
        )
        state.withLock { $0.session = session }
        return HTTPReply.json(.ok, [
            "Code": "Success", "LastUpdated": WireFormat.timestamp(session.expiration.addingTimeInterval(-TimeInterval(Self.sessionDuration))),
            "Type": "AWS-HMAC", "AccessKeyId": session.accessKeyID, "SecretAccessKey": session.secret, "Token": session.token,
            "Expiration": WireFormat.timestamp(session.expiration),
        ])
    }

    static func roleName(_ arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }
}
