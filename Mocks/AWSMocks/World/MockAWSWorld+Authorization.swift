/// IAM authorization of API calls: every mocked action asks here, as AWS's front end asks IAM.
extension MockAWSWorld {
    /// Throws AWS's `AccessDenied` unless `caller` may perform `action` on `resource`.
    /// The message is AWS's: `User: <arn> is not authorized to perform: <action> on resource: <resource>`.
    public func requireAllowed(
        _ caller: MockPrincipal?, action: String, resource: String, context: [String: [String]] = [:],
        status: Int = 403, code: String = "AccessDenied"
    ) throws(AWSServiceError) {
        guard let caller else { throw .missingAuthentication }
        guard isAllowed(caller, action: action, resource: resource, context: context) else {
            throw AWSServiceError(
                status: status, code: code,
                message: "User: \(caller.arn) is not authorized to perform: \(action) on resource: \(resource)"
            )
        }
    }
}
