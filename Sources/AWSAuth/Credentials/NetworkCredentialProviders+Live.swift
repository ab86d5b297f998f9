extension NetworkCredentialProviders {
    /// The four network providers over `transport`: STS AssumeRole and
    /// AssumeRoleWithWebIdentity, the container endpoint, and IMDS.
    ///
    /// `CredentialProviderChain.standard(network: .live())` is the chain the AWS CLI uses;
    /// `standard()` alone keeps the network slots empty (hermetic tests, and a build that must
    /// not reach the network), where a configured network source is an error.
    public static func live(
        transport: any AWSHTTPTransport = AsyncHTTPClientTransport(), retry: RetryPolicy = .standard
    ) -> NetworkCredentialProviders {
        NetworkCredentialProviders(
            assumeRole: AssumeRoleCredentialProvider(transport: transport, retry: retry),
            webIdentity: WebIdentityCredentialProvider(transport: transport, retry: retry),
            container: ContainerCredentialProvider(transport: transport),
            instanceMetadata: InstanceMetadataCredentialProvider(transport: transport)
        )
    }
}
