import Foundation

/// STS 2011-06-15: GetCallerIdentity here; AssumeRole and AssumeRoleWithWebIdentity evaluate
/// trust and identity policies (see STSService+AssumeRole.swift).
public struct STSService: MockAWSService {
    public static let namespace = "https://sts.amazonaws.com/doc/2011-06-15/"
    public let signingName = "sts"
    public let unsignedActions: Set<String> = ["AssumeRoleWithWebIdentity"]
    let world: MockAWSWorld

    public init(world: MockAWSWorld) {
        self.world = world
    }

    public func handle(_ call: AWSCall) async throws(AWSServiceError) -> AWSReply {
        switch call.action {
        case "GetCallerIdentity":
            guard let caller = call.caller else { throw .missingAuthentication }
            let userID: String = switch caller {
            case .user(let user): MockIdentifiers.stable(prefix: "AIDA", seed: user.arn)
            case .session(let session): MockIdentifiers.stable(prefix: "AROA", seed: session.roleARN) + ":" + session.sessionName
            }
            return WireFormat.queryResponse(
                action: call.action, namespace: Self.namespace,
                result: "<UserId>\(WireFormat.escape(userID))</UserId><Account>\(caller.accountID)</Account><Arn>\(WireFormat.escape(caller.arn))</Arn>",
                requestID: call.requestID
            )
        case "AssumeRole":
            return try assumeRole(call)
        case "AssumeRoleWithWebIdentity":
            return try assumeRoleWithWebIdentity(call)
        default:
            throw .invalidAction(call.action)
        }
    }
}
