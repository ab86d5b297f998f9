import Foundation

/// Redshift Serverless 2021-04-21 (JSON 1.1, `X-Amz-Target: RedshiftServerless.<Action>`):
/// GetWorkgroup and GetCredentials, the two calls a client makes to sign in with IAM.
/// https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_GetCredentials.html
public struct RedshiftServerlessService: MockAWSService {
    public let signingName = "redshift-serverless"
    public let targetPrefix: String? = "RedshiftServerless"
    let world: MockAWSWorld
    let store: MockRedshiftServerlessStore
    /// For the ARN pattern a missing workgroup is authorized against (`AWSCall` has no region).
    let region: String

    public init(world: MockAWSWorld, store: MockRedshiftServerlessStore, region: String = "us-east-1") {
        self.world = world
        self.store = store
        self.region = region
    }

    struct Request: Decodable {
        let workgroupName: String?
        let customDomainName: String?
        let dbName: String?
        let durationSeconds: Int?
    }

    public func handle(_ call: AWSCall) async throws(AWSServiceError) -> AWSReply {
        do throws(AWSServiceError) {
            guard let caller = call.caller else { throw AWSServiceError.missingAuthentication }
            let body: [String: Any]
            switch call.action {
            case "GetWorkgroup": body = try getWorkgroup(call, caller: caller)
            case "GetCredentials": body = try getCredentials(call, caller: caller)
            default: throw AWSServiceError(status: 400, code: "UnknownOperationException", message: "Unknown operation \(call.action)")
            }
            return WireFormat.jsonResponse(body, requestID: call.requestID)
        } catch {
            // This service spells the member `message`, lower case (botocore reads either).
            return AWSReply(
                status: error.status, contentType: "application/x-amz-json-1.1",
                body: WireFormat.json(["__type": error.code, "message": error.message]),
                headers: [("x-amzn-RequestId", call.requestID), ("x-amzn-ErrorType", error.code)]
            )
        }
    }

    func getWorkgroup(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> [String: Any] {
        let request = try call.decode(Request.self)
        let workgroup = try findWorkgroup(request, caller: caller, action: "redshift-serverless:GetWorkgroup")
        return ["workgroup": Self.render(workgroup)]
    }

    /// `durationSeconds` 900…3600 (default 900); `dbUser` names the caller as Redshift does:
    /// `IAMR:<role>` for an assumed-role session, `IAM:<user>` for an IAM user.
    func getCredentials(_ call: AWSCall, caller: MockPrincipal) throws(AWSServiceError) -> [String: Any] {
        let request = try call.decode(Request.self)
        let duration = request.durationSeconds ?? 900
        guard (900...3600).contains(duration) else {
            throw .redshiftValidation("The duration must be between 900 and 3600 seconds.")
        }
        if let dbName = request.dbName {
            let allowed = dbName.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+.@-".contains($0)) }
            guard (1...64).contains(dbName.count), allowed, dbName.first?.isLetter == true else {
                throw .redshiftValidation("dbName must be 1 to 64 letters, digits, or _+.@- and begin with a letter.")
            }
        }
        let workgroup = try findWorkgroup(request, caller: caller, action: "redshift-serverless:GetCredentials")
        let dbUser: String = switch caller {
        case .user(let user): "IAM:\(user.name)"
        case .session(let session): "IAMR:\(session.roleARN.split(separator: "/").last.map(String.init) ?? session.roleARN)"
        }
        let issued = store.issuePassword(workgroup: workgroup, dbUser: dbUser, duration: duration)
        return [
            "dbUser": issued.dbUser, "dbPassword": issued.password,
            "expiration": issued.expiration.timeIntervalSince1970,
            "nextRefreshTime": issued.expiration.addingTimeInterval(-TimeInterval(min(300, duration / 3))).timeIntervalSince1970,
        ]
    }

    private func findWorkgroup(_ request: Request, caller: MockPrincipal, action: String) throws(AWSServiceError) -> MockWorkgroup {
        guard let name = request.workgroupName else {
            if request.customDomainName != nil {
                throw .redshiftValidation("Custom domain names are not supported by this mock; pass workgroupName.")
            }
            throw .redshiftValidation("Either workgroupName or customDomainName must be specified.")
        }
        guard (3...64).contains(name.count) else {
            throw .redshiftValidation("Value '\(name)' at 'workgroupName' failed to satisfy constraint: Member must have length between 3 and 64")
        }
        guard let workgroup = store.workgroup(name, accountID: caller.accountID) else {
            // Workgroup ARNs carry an id, not the name: a missing one is checked against them all.
            let pattern = "arn:aws:redshift-serverless:\(region):\(caller.accountID):workgroup/*"
            try world.requireAllowed(caller, action: action, resource: pattern, status: 400, code: "AccessDeniedException")
            throw AWSServiceError(status: 400, code: "ResourceNotFoundException", message: "Serverless workgroup \(name) not found.")
        }
        try world.requireAllowed(caller, action: action, resource: workgroup.arn, status: 400, code: "AccessDeniedException")
        return workgroup
    }

    /// `Workgroup` as botocore's model has it; `creationDate` is ISO 8601 text in this service.
    static func render(_ workgroup: MockWorkgroup) -> [String: Any] {
        [
            "baseCapacity": 128,
            "configParameters": [
                ["parameterKey": "datestyle", "parameterValue": "ISO, MDY"],
                ["parameterKey": "enable_user_activity_logging", "parameterValue": "true"],
                ["parameterKey": "require_ssl", "parameterValue": "true"],
                ["parameterKey": "search_path", "parameterValue": "$user, public"],
            ],
            "creationDate": WireFormat.timestamp(workgroup.createdAt),
            "crossAccountVpcs": [String](),
            "endpoint": ["address": workgroup.address, "port": workgroup.port, "vpcEndpoints": [[String: Any]]()],
            "enhancedVpcRouting": false,
            "ipAddressType": "ipv4",
            "namespaceName": workgroup.namespaceName,
            "port": workgroup.port,
            "publiclyAccessible": false,
            "securityGroupIds": ["sg-" + RDSNaming.hex(arnSeed: workgroup.accountID, count: 17)],
            "status": workgroup.status,
            "subnetIds": ["a", "b", "c"].map { "subnet-" + RDSNaming.hex(arnSeed: workgroup.accountID + $0, count: 17) },
            "trackName": "current",
            "workgroupArn": workgroup.arn,
            "workgroupId": workgroup.workgroupID,
            "workgroupName": workgroup.name,
        ]
    }
}

extension AWSServiceError {
    static func redshiftValidation(_ message: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "ValidationException", message: message)
    }
}
