import Foundation

/// IAM 2010-05-08: inline policies of users, roles and groups (with the size quotas and
/// IAM's validation), managed policy attachment, and reading users and roles back.
/// https://docs.aws.amazon.com/IAM/latest/APIReference/
public struct IAMService: MockAWSService {
    public static let namespace = "https://iam.amazonaws.com/doc/2010-05-08/"
    public let signingName = "iam"
    let world: MockAWSWorld

    public init(world: MockAWSWorld) {
        self.world = world
    }

    /// The entity kinds that carry inline policies.
    enum Owner: String {
        case user = "User", role = "Role", group = "Group"

        var kind: IAMIdentityKind {
            switch self {
            case .user: .user
            case .role: .role
            case .group: .group
            }
        }
    }

    public func handle(_ call: AWSCall) async throws(AWSServiceError) -> AWSReply {
        let action = call.action
        for owner in [Owner.user, .role, .group] {
            switch action {
            case "Put\(owner.rawValue)Policy": return try putPolicy(call, owner: owner)
            case "Get\(owner.rawValue)Policy": return try getPolicy(call, owner: owner)
            case "Delete\(owner.rawValue)Policy": return try deletePolicy(call, owner: owner)
            case "List\(owner.rawValue)Policies": return try listPolicies(call, owner: owner)
            case "Attach\(owner.rawValue)Policy": return try attach(call, owner: owner, attach: true)
            case "Detach\(owner.rawValue)Policy": return try attach(call, owner: owner, attach: false)
            default: continue
            }
        }
        switch action {
        case "GetUser": return try getUser(call)
        case "GetRole": return try getRole(call)
        default: throw .invalidAction(action)
        }
    }

    // MARK: Inline policies

    private func putPolicy(_ call: AWSCall, owner: Owner) throws(AWSServiceError) -> AWSReply {
        let name = try call.parameter("\(owner.rawValue)Name")
        let policyName = try call.parameter("PolicyName")
        let document = try call.parameter("PolicyDocument")
        let arn = try requireEntity(call, owner: owner, name: name, action: "iam:Put\(owner.rawValue)Policy")
        do {
            _ = try PolicyDocument(json: document, kind: .identity)
        } catch {
            throw AWSServiceError(status: 400, code: "MalformedPolicyDocument", message: error.message)
        }
        let existing = inlinePolicies(owner: owner, arn: arn).mapValues(PolicyText.init)
        if case .failure(let exceeded) = InlinePolicySizeLimit.check(
            putting: policyName, document: PolicyText(document), existing: existing, owner: owner.kind, ownerName: name
        ) {
            throw AWSServiceError(status: 409, code: "LimitExceeded", message: exceeded.message)
        }
        world.withIAM { $0.setInlinePolicy(policyName, document: document, of: owner.kind, arn: arn) }
        return WireFormat.queryEmptyResponse(action: call.action, namespace: Self.namespace, requestID: call.requestID)
    }

    private func getPolicy(_ call: AWSCall, owner: Owner) throws(AWSServiceError) -> AWSReply {
        let name = try call.parameter("\(owner.rawValue)Name")
        let policyName = try call.parameter("PolicyName")
        let arn = try requireEntity(call, owner: owner, name: name, action: "iam:Get\(owner.rawValue)Policy")
        guard let document = inlinePolicies(owner: owner, arn: arn)[policyName] else {
            throw AWSServiceError(status: 404, code: "NoSuchEntity", message: "The \(owner.rawValue.lowercased()) policy with name \(policyName) cannot be found.")
        }
        // IAM returns the document URL-encoded.
        let encoded = document.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? document
        let result = "<\(owner.rawValue)Name>\(WireFormat.escape(name))</\(owner.rawValue)Name><PolicyName>\(WireFormat.escape(policyName))</PolicyName>"
            + "<PolicyDocument>\(WireFormat.escape(encoded))</PolicyDocument>"
        return WireFormat.queryResponse(action: call.action, namespace: Self.namespace, result: result, requestID: call.requestID)
    }

    private func deletePolicy(_ call: AWSCall, owner: Owner) throws(AWSServiceError) -> AWSReply {
        let name = try call.parameter("\(owner.rawValue)Name")
        let policyName = try call.parameter("PolicyName")
        let arn = try requireEntity(call, owner: owner, name: name, action: "iam:Delete\(owner.rawValue)Policy")
        guard inlinePolicies(owner: owner, arn: arn)[policyName] != nil else {
            throw AWSServiceError(status: 404, code: "NoSuchEntity", message: "The \(owner.rawValue.lowercased()) policy with name \(policyName) cannot be found.")
        }
        world.withIAM { $0.setInlinePolicy(policyName, document: nil, of: owner.kind, arn: arn) }
        return WireFormat.queryEmptyResponse(action: call.action, namespace: Self.namespace, requestID: call.requestID)
    }

    private func listPolicies(_ call: AWSCall, owner: Owner) throws(AWSServiceError) -> AWSReply {
        let name = try call.parameter("\(owner.rawValue)Name")
        let arn = try requireEntity(call, owner: owner, name: name, action: "iam:List\(owner.rawValue)Policies")
        let names = inlinePolicies(owner: owner, arn: arn).keys.sorted()
        let members = names.map { "<member>\(WireFormat.escape($0))</member>" }.joined()
        return WireFormat.queryResponse(
            action: call.action, namespace: Self.namespace,
            result: "<PolicyNames>\(members)</PolicyNames><IsTruncated>false</IsTruncated>", requestID: call.requestID
        )
    }

    private func attach(_ call: AWSCall, owner: Owner, attach: Bool) throws(AWSServiceError) -> AWSReply {
        let name = try call.parameter("\(owner.rawValue)Name")
        let policyARN = try call.parameter("PolicyArn")
        let arn = try requireEntity(call, owner: owner, name: name, action: "iam:\(attach ? "Attach" : "Detach")\(owner.rawValue)Policy")
        let known = world.withIAM { $0.managedPolicies[policyARN] != nil } || policyARN.hasPrefix("arn:aws:iam::aws:policy/")
        guard known else {
            throw AWSServiceError(status: 404, code: "NoSuchEntity", message: "Policy \(policyARN) does not exist or is not attachable.")
        }
        let wasAttached: Bool = world.withIAM { state in
            state.updateAttachedPolicies(of: owner.kind, arn: arn) { list in
                let present = list.contains(policyARN)
                if attach, !present { list.append(policyARN) }
                if !attach { list.removeAll { $0 == policyARN } }
                return present
            } ?? false
        }
        if !attach, !wasAttached {
            throw AWSServiceError(status: 404, code: "NoSuchEntity", message: "Policy \(policyARN) was not found.")
        }
        return WireFormat.queryEmptyResponse(action: call.action, namespace: Self.namespace, requestID: call.requestID)
    }

    // MARK: Users and roles

    private func getUser(_ call: AWSCall) throws(AWSServiceError) -> AWSReply {
        guard let caller = call.caller else { throw .missingAuthentication }
        let name: String
        if let given = call.parameters["UserName"] {
            name = given
        } else if case .user(let user) = caller {
            name = user.name
        } else {
            throw AWSServiceError(status: 400, code: "ValidationError", message: "Must specify userName when calling with non-User credentials")
        }
        let arn = try requireEntity(call, owner: .user, name: name, action: "iam:GetUser")
        let result = "<User><Path>/</Path><UserName>\(WireFormat.escape(name))</UserName>"
            + "<UserId>\(MockIdentifiers.stable(prefix: "AIDA", seed: arn))</UserId><Arn>\(WireFormat.escape(arn))</Arn>"
            + "<CreateDate>2024-01-01T00:00:00Z</CreateDate></User>"
        return WireFormat.queryResponse(action: call.action, namespace: Self.namespace, result: result, requestID: call.requestID)
    }

    private func getRole(_ call: AWSCall) throws(AWSServiceError) -> AWSReply {
        let name = try call.parameter("RoleName")
        let arn = try requireEntity(call, owner: .role, name: name, action: "iam:GetRole")
        guard let role = world.role(arn: arn) else { throw noSuchEntity(.role, name) }
        let trust = role.trustPolicy.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? role.trustPolicy
        let result = "<Role><Path>/</Path><RoleName>\(WireFormat.escape(name))</RoleName>"
            + "<RoleId>\(MockIdentifiers.stable(prefix: "AROA", seed: arn))</RoleId><Arn>\(WireFormat.escape(arn))</Arn>"
            + "<CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>\(WireFormat.escape(trust))</AssumeRolePolicyDocument>"
            + "<MaxSessionDuration>\(role.maxSessionDuration)</MaxSessionDuration></Role>"
        return WireFormat.queryResponse(action: call.action, namespace: Self.namespace, result: result, requestID: call.requestID)
    }

    // MARK: Helpers

    /// The entity's ARN in the caller's account, after checking the caller may act on it and it exists.
    private func requireEntity(_ call: AWSCall, owner: Owner, name: String, action: String) throws(AWSServiceError) -> String {
        guard let caller = call.caller else { throw .missingAuthentication }
        let arn = "arn:aws:iam::\(caller.accountID):\(owner.rawValue.lowercased())/\(name)"
        try world.requireAllowed(caller, action: action, resource: arn)
        let exists = world.withIAM { $0.inlinePolicies(of: owner.kind, arn: arn) != nil }
        guard exists else { throw noSuchEntity(owner, name) }
        return arn
    }

    private func noSuchEntity(_ owner: Owner, _ name: String) -> AWSServiceError {
        AWSServiceError(status: 404, code: "NoSuchEntity", message: "The \(owner.rawValue.lowercased()) with name \(name) cannot be found.")
    }

    private func inlinePolicies(owner: Owner, arn: String) -> [String: String] {
        world.withIAM { $0.inlinePolicies(of: owner.kind, arn: arn) } ?? [:]
    }
}
