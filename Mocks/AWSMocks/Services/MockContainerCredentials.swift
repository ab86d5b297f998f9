import Foundation
import Hummingbird
import Synchronization

/// The ECS/EKS container credentials endpoint: `GET /ecs/credentials`, usable as
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:<port>/ecs/credentials` or as the relative
/// URI. With a token configured, `Authorization` must carry it (what
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` sends).
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
public final class MockContainerCredentials: MockHTTPRoutes, Sendable {
    public struct Configuration: Sendable, Equatable {
        public var roleARN: String?
        public var authorizationToken: String?

        public init(roleARN: String?, authorizationToken: String? = nil) {
            self.roleARN = roleARN
            self.authorizationToken = authorizationToken
        }
    }

    public static let path = "/ecs/credentials"
    static let sessionDuration = 6 * 3600

    let world: MockAWSWorld
    private let state: Mutex<(configuration: Configuration, session: MockSession?)>
    private let initialConfiguration: Configuration

    public init(world: MockAWSWorld, configuration: Configuration) {
        self.world = world
        state = Mutex((configuration, nil))
        initialConfiguration = configuration
    }

    public var configuration: Configuration { state.withLock { $0.configuration } }

    public func update(_ body: (inout Configuration) -> Void) {
        state.withLock { body(&$0.configuration) }
    }

    public func reset() {
        state.withLock { $0 = (initialConfiguration, nil) }
    }

    /// The task id: the session name ECS gives task credentials.
    var taskID: String { RDSNaming.hex(arnSeed: "task:\(initialConfiguration.roleARN ?? "")", count: 32) }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.get(RouterPath(stringLiteral: Self.path)) { request, _ in self.respond(request) }
    }

    func respond(_ request: Request) -> Response {
        let configuration = self.configuration
        if let expected = configuration.authorizationToken {
            let sent = HTTPReply.header(request, "authorization") ?? ""
            guard SigV4RequestVerifier.constantTimeEqual(sent, expected) else {
                return HTTPReply.json(.unauthorized, ["Code": "AccessDenied", "Message": "Authorization token is missing or invalid"])
            }
        }
        guard let roleARN = configuration.roleARN, let role = world.role(arn: roleARN) else {
            return HTTPReply.json(.notFound, ["Code": "NoCredentials", "Message": "No task role is configured"])
        }
        let session = world.sessionForCredentialEndpoint(
            current: state.withLock { $0.session }, role: role, sessionName: taskID, duration: Self.sessionDuration
        )
        state.withLock { $0.session = session }
        return HTTPReply.json(.ok, [
            "AccessKeyId": session.accessKeyID, "SecretAccessKey": session.secret, "Token": session.token,
            "Expiration": WireFormat.timestamp(session.expiration), "RoleArn": roleARN, "AccountId": role.accountID,
        ])
    }
}
