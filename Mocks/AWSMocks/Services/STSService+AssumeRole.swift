import Foundation

extension STSService {
    /// AssumeRole: trust policy, identity policies and boundary evaluated as IAM does; the
    /// one-hour cap for role chaining; MaxSessionDuration.
    func assumeRole(_ call: AWSCall) throws(AWSServiceError) -> AWSReply {
        guard let caller = call.caller else { throw .missingAuthentication }
        let roleARN = try call.parameter("RoleArn")
        let sessionName = try Self.sessionName(call)
        let externalID = call.parameters["ExternalId"]
        let chained: Bool
        if case .session = caller { chained = true } else { chained = false }
        let duration = try Self.duration(call, chained: chained)
        // An unknown role is refused with the same words as a denied one: AWS does not tell.
        let denied = AWSServiceError(
            status: 403, code: "AccessDenied",
            message: AssumeRoleDenial.message(callerArn: caller.arn, resource: roleARN)
        )
        guard let role = world.role(arn: roleARN), let trust = try? PolicyDocument(json: role.trustPolicy, kind: .trust) else {
            throw denied
        }
        let principal = world.policyPrincipal(caller)
        if case .failure = AssumeRoleAuthorization.decide(
            caller: principal, role: .init(arn: role.arn, trustPolicy: trust, account: role.accountID),
            externalID: externalID, sessionName: sessionName
        ) {
            throw denied
        }
        guard duration <= role.maxSessionDuration else {
            throw .validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let session = world.issueSession(role: role, sessionName: sessionName, duration: duration, chained: chained)
        return credentialsResponse(call, session: session)
    }

    /// AssumeRoleWithWebIdentity: unsigned; the token's signature, issuer and expiry checked
    /// against the lab's OIDC provider; the trust policy must allow the provider (with its
    /// `…:sub`/`…:aud` conditions).
    func assumeRoleWithWebIdentity(_ call: AWSCall) throws(AWSServiceError) -> AWSReply {
        let roleARN = try call.parameter("RoleArn")
        let sessionName = try Self.sessionName(call)
        let token = try call.parameter("WebIdentityToken")
        let duration = try Self.duration(call, chained: false)
        guard let provider = world.oidcProvider else {
            throw AWSServiceError(status: 400, code: "InvalidIdentityToken", message: "No OpenIDConnect provider found in your account")
        }
        let claims: [String: Any]
        switch provider.verify(token, now: world.now) {
        case .success(let verified): claims = verified
        case .failure(let error): throw error
        }
        let denied = AWSServiceError(status: 403, code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        guard let role = world.role(arn: roleARN), let trust = try? PolicyDocument(json: role.trustPolicy, kind: .trust) else {
            throw denied
        }
        let federated = PrincipalIdentity.federated(provider: provider.arn(account: role.accountID))
        var context: [String: [String]] = ["sts:RoleSessionName": [sessionName]]
        for claim in ["sub", "aud"] {
            if let value = claims[claim] as? String { context["\(provider.issuerHost):\(claim)"] = [value] }
        }
        let request = AuthorizationRequest(
            principal: federated, action: "sts:AssumeRoleWithWebIdentity", resource: role.arn,
            resourceAccount: role.accountID, context: context
        )
        let decision = PolicyEvaluator.evaluate(
            request: request, identityPolicies: [], resourcePolicy: trust, permissionsBoundary: nil, resourcePolicyRequired: true
        )
        guard decision.isAllowed else { throw denied }
        guard duration <= role.maxSessionDuration else {
            throw .validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let session = world.issueSession(role: role, sessionName: sessionName, duration: duration, chained: false)
        let extra = "<SubjectFromWebIdentityToken>\(WireFormat.escape(claims["sub"] as? String ?? ""))</SubjectFromWebIdentityToken>"
            + "<Audience>\(WireFormat.escape(claims["aud"] as? String ?? ""))</Audience><Provider>\(WireFormat.escape(provider.issuerHost))</Provider>"
        return credentialsResponse(call, session: session, extra: extra)
    }

    private func credentialsResponse(_ call: AWSCall, session: MockSession, extra: String = "") -> AWSReply {
        let roleID = MockIdentifiers.stable(prefix: "AROA", seed: session.roleARN)
        let result = """
            <Credentials><AccessKeyId>\(session.accessKeyID)</AccessKeyId><SecretAccessKey>\(WireFormat.escape(session.secret))</SecretAccessKey>\
            <SessionToken>\(WireFormat.escape(session.token))</SessionToken><Expiration>\(WireFormat.timestamp(session.expiration))</Expiration></Credentials>\
            <AssumedRoleUser><AssumedRoleId>\(roleID):\(WireFormat.escape(session.sessionName))</AssumedRoleId><Arn>\(WireFormat.escape(session.assumedRoleARN))</Arn></AssumedRoleUser>\(extra)
            """
        return WireFormat.queryResponse(action: call.action, namespace: Self.namespace, result: result, requestID: call.requestID)
    }

    static func sessionName(_ call: AWSCall) throws(AWSServiceError) -> String {
        let name = try call.parameter("RoleSessionName")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_+=,.@-"))
        guard (2...64).contains(name.count), name.unicodeScalars.allSatisfy({ allowed.contains($0) && $0.isASCII }) else {
            throw .validation("1 validation error detected: Value '\(name)' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
        }
        return name
    }

    static func duration(_ call: AWSCall, chained: Bool) throws(AWSServiceError) -> Int {
        guard let text = call.parameters["DurationSeconds"] else { return 3600 }
        guard let seconds = Int(text), seconds >= 900, seconds <= 43_200 else {
            throw .validation("1 validation error detected: Value '\(text)' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
        }
        if chained, seconds > 3600 {
            throw .validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }
        return seconds
    }
}
