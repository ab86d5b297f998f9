import Foundation
import Logging

/// A whole mock AWS: the world, each service's store, the API services, and the instance
/// metadata, container credentials and admin routes, on one listener. The lab file
/// (`LabFile.makeMockAWS`, module Lab) describes its parts.
public final class MockAWSLab: Sendable {
    public let world: MockAWSWorld
    public let region: String
    public let rds: MockRDSStore
    public let secrets: MockSecretsStore
    public let redshiftServerless: MockRedshiftServerlessStore
    public let instanceMetadata: MockInstanceMetadata
    public let containerCredentials: MockContainerCredentials

    /// The one assembler of a mock AWS, from parts built by whoever describes the lab.
    public init(
        world: MockAWSWorld, region: String, rds: MockRDSStore.State = .init(), secrets: [MockSecret] = [],
        workgroups: [MockWorkgroup] = [], instanceMetadata: MockInstanceMetadata.Configuration,
        containerCredentials: MockContainerCredentials.Configuration
    ) {
        let clock: @Sendable () -> Date = { world.now }
        self.world = world
        self.region = region
        self.rds = MockRDSStore(rds)
        self.secrets = MockSecretsStore(secrets: secrets, clock: clock)
        redshiftServerless = MockRedshiftServerlessStore(workgroups: workgroups, clock: clock)
        self.instanceMetadata = MockInstanceMetadata(world: world, configuration: instanceMetadata)
        self.containerCredentials = MockContainerCredentials(world: world, configuration: containerCredentials)
    }

    /// Every API the lab answers. Add new services here.
    public var services: [any MockAWSService] {
        [
            STSService(world: world),
            IAMService(world: world),
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

    /// Everything back to how the lab started: IAM and its sessions, the clock, the stores, the metadata modes.
    public func reset() {
        world.reset()
        rds.reset()
        secrets.reset()
        redshiftServerless.reset()
        instanceMetadata.reset()
        containerCredentials.reset()
    }
}
