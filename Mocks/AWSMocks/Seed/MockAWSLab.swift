import Foundation
import Logging

/// A whole mock AWS from a seed: the world, each service's store, the API services, and the
/// instance metadata, container credentials and admin routes, on one listener.
public final class MockAWSLab: Sendable {
    public let world: MockAWSWorld
    public let region: String
    public let rds: MockRDSStore
    public let secrets: MockSecretsStore
    public let redshiftServerless: MockRedshiftServerlessStore
    public let instanceMetadata: MockInstanceMetadata
    public let containerCredentials: MockContainerCredentials

    public init(seed: MockAWSSeed = MockAWSSeed()) throws(MockAWSSeedError) {
        let iam = try seed.iamState()
        let world = MockAWSWorld(iam: iam)
        let clock: @Sendable () -> Date = { world.now }
        self.world = world
        region = seed.defaultRegion
        rds = MockRDSStore(try seed.rdsState())
        secrets = MockSecretsStore(secrets: seed.secretsList(now: world.now), clock: clock)
        redshiftServerless = MockRedshiftServerlessStore(workgroups: seed.workgroups(), clock: clock)
        instanceMetadata = MockInstanceMetadata(world: world, configuration: .init(
            roleARN: try seed.roleARN(seed.instanceMetadata?.role, for: "instanceMetadata", in: iam),
            region: seed.instanceMetadata?.region ?? seed.defaultRegion
        ))
        containerCredentials = MockContainerCredentials(world: world, configuration: .init(
            roleARN: try seed.roleARN(seed.containerCredentials?.role, for: "containerCredentials", in: iam),
            authorizationToken: seed.containerCredentials?.authorizationToken
        ))
    }

    /// Every API the lab answers. Add new services here.
    public var services: [any MockAWSService] {
        [
            STSService(world: world),
            RDSService(world: world, store: rds, region: region),
            SecretsManagerService(world: world, store: secrets, region: region),
            RedshiftServerlessService(world: world, store: redshiftServerless, region: region),
        ]
    }

    public var routes: [any MockHTTPRoutes] {
        [instanceMetadata, containerCredentials, MockAdminRoutes(lab: self)]
    }

    public func makeServer(host: String = "127.0.0.1", port: Int = 0, logger: Logger) -> MockAWSServer {
        MockAWSServer(world: world, services: services, routes: routes, host: host, port: port, logger: logger)
    }

    /// Everything back to the seed: IAM and its sessions, the clock, the stores, the metadata modes.
    public func reset() {
        world.reset()
        rds.reset()
        secrets.reset()
        redshiftServerless.reset()
        instanceMetadata.reset()
        containerCredentials.reset()
    }
}
