/// Credentials given explicitly (a test, an embedding program): always found.
public struct StaticCredentialProvider: CredentialProvider {
    public let name = "static"
    let credentials: AWSCredentials

    public init(_ credentials: AWSCredentials) {
        self.credentials = credentials
    }

    public func resolve(_ context: CredentialContext) async throws -> CredentialResolution {
        .found(credentials)
    }
}
