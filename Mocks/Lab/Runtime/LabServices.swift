import AWSMocks

/// The mocked services a lab serves.
enum LabServices {
    static func services(world: MockAWSWorld) -> [any MockAWSService] {
        [STSService(world: world), IAMService(world: world)]
    }

    static func routes(world: MockAWSWorld, lab: LabFile) -> [any MockHTTPRoutes] {
        var routes: [any MockHTTPRoutes] = []
        if let imds = lab.instanceMetadata {
            var configuration = MockInstanceMetadata.Configuration(roleARN: imds.role, region: lab.region)
            configuration.mode = MockInstanceMetadata.Mode(name: imds.mode) ?? .normal
            routes.append(MockInstanceMetadata(world: world, configuration: configuration))
        }
        if let ecs = lab.containerCredentials {
            routes.append(MockContainerCredentials(world: world, configuration: .init(roleARN: ecs.role, authorizationToken: ecs.token)))
        }
        return routes
    }
}
