import AWSMocks

/// The mocked services a lab serves.
enum LabServices {
    static func services(world: MockAWSWorld) -> [any MockAWSService] {
        [STSService(world: world), IAMService(world: world)]
    }

    static func routes(world: MockAWSWorld, lab: LabFile) -> [any MockHTTPRoutes] {
        []
    }
}
