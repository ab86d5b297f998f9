import Foundation
import Synchronization

/// The mock RDS control plane's state: DB instances, Aurora clusters, proxies and their endpoints.
/// Callers see the resources of their own account; a resource is named by identifier or ARN.
public final class MockRDSStore: Sendable {
    public struct State: Sendable, Equatable {
        public var instances: [MockDBInstance] = []
        public var clusters: [MockDBCluster] = []
        public var proxies: [MockDBProxy] = []
        /// Custom endpoints; each proxy's `default` endpoint is implied.
        public var proxyEndpoints: [MockDBProxyEndpoint] = []

        public init(
            instances: [MockDBInstance] = [], clusters: [MockDBCluster] = [], proxies: [MockDBProxy] = [],
            proxyEndpoints: [MockDBProxyEndpoint] = []
        ) {
            self.instances = instances
            self.clusters = clusters
            self.proxies = proxies
            self.proxyEndpoints = proxyEndpoints
        }
    }

    private let state: Mutex<State>
    private let initialState: State

    public init(_ state: State = State()) {
        self.state = Mutex(state)
        initialState = state
    }

    /// Back to the state the store was created with.
    public func reset() {
        state.withLock { $0 = initialState }
    }

    public func withState<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        try state.withLock { try body(&$0) }
    }

    // MARK: Lookups (sorted by identifier, as RDS lists them)

    public func instances(accountID: String) -> [MockDBInstance] {
        state.withLock { $0.instances.filter { $0.accountID == accountID } }.sorted { $0.identifier < $1.identifier }
    }

    /// By identifier (case-insensitive, as RDS stores them lower-case) or ARN.
    public func instance(_ idOrARN: String, accountID: String) -> MockDBInstance? {
        instances(accountID: accountID).first { Self.matches(idOrARN, identifier: $0.identifier, arn: $0.arn) }
    }

    public func clusters(accountID: String) -> [MockDBCluster] {
        state.withLock { $0.clusters.filter { $0.accountID == accountID } }.sorted { $0.identifier < $1.identifier }
    }

    public func cluster(_ idOrARN: String, accountID: String) -> MockDBCluster? {
        clusters(accountID: accountID).first { Self.matches(idOrARN, identifier: $0.identifier, arn: $0.arn) }
    }

    public func proxies(accountID: String) -> [MockDBProxy] {
        state.withLock { $0.proxies.filter { $0.accountID == accountID } }.sorted { $0.name < $1.name }
    }

    public func proxy(_ name: String, accountID: String) -> MockDBProxy? {
        proxies(accountID: accountID).first { $0.name == name }
    }

    /// A proxy's endpoints, its `default` one first; nil `proxyName` means every proxy's.
    public func proxyEndpoints(proxyName: String?, accountID: String) -> [MockDBProxyEndpoint] {
        let custom = state.withLock { $0.proxyEndpoints.filter { $0.accountID == accountID } }
        return proxies(accountID: accountID).filter { proxyName == nil || $0.name == proxyName }.flatMap { proxy in
            [proxy.defaultEndpoint] + custom.filter { $0.proxyName == proxy.name && $0.region == proxy.region }.sorted { $0.name < $1.name }
        }
    }

    static func matches(_ idOrARN: String, identifier: String, arn: String) -> Bool {
        idOrARN.hasPrefix("arn:") ? idOrARN == arn : idOrARN.lowercased() == identifier.lowercased()
    }

    // MARK: Modifications

    /// ModifyDBInstance's `EnableIAMDatabaseAuthentication`: now with `applyImmediately`, else
    /// pending until the next maintenance window (`applyPendingMaintenance`).
    public func modifyInstance(_ idOrARN: String, accountID: String, enableIAM: Bool?, applyImmediately: Bool) -> MockDBInstance? {
        state.withLock { state in
            guard let index = state.instances.firstIndex(where: {
                $0.accountID == accountID && Self.matches(idOrARN, identifier: $0.identifier, arn: $0.arn)
            }) else { return nil }
            if let enableIAM {
                if applyImmediately {
                    state.instances[index].iamDatabaseAuthenticationEnabled = enableIAM
                    state.instances[index].pendingIAMDatabaseAuthentication = nil
                } else if enableIAM != state.instances[index].iamDatabaseAuthenticationEnabled {
                    state.instances[index].pendingIAMDatabaseAuthentication = enableIAM
                }
            }
            return state.instances[index]
        }
    }

    public func modifyCluster(_ idOrARN: String, accountID: String, enableIAM: Bool?, applyImmediately: Bool) -> MockDBCluster? {
        state.withLock { state in
            guard let index = state.clusters.firstIndex(where: {
                $0.accountID == accountID && Self.matches(idOrARN, identifier: $0.identifier, arn: $0.arn)
            }) else { return nil }
            if let enableIAM {
                if applyImmediately {
                    state.clusters[index].iamDatabaseAuthenticationEnabled = enableIAM
                    state.clusters[index].pendingIAMDatabaseAuthentication = nil
                } else if enableIAM != state.clusters[index].iamDatabaseAuthenticationEnabled {
                    state.clusters[index].pendingIAMDatabaseAuthentication = enableIAM
                }
            }
            return state.clusters[index]
        }
    }

    /// The maintenance window came: pending modifications take effect.
    public func applyPendingMaintenance() {
        state.withLock { state in
            for index in state.instances.indices {
                if let pending = state.instances[index].pendingIAMDatabaseAuthentication {
                    state.instances[index].iamDatabaseAuthenticationEnabled = pending
                    state.instances[index].pendingIAMDatabaseAuthentication = nil
                }
            }
            for index in state.clusters.indices {
                if let pending = state.clusters[index].pendingIAMDatabaseAuthentication {
                    state.clusters[index].iamDatabaseAuthenticationEnabled = pending
                    state.clusters[index].pendingIAMDatabaseAuthentication = nil
                }
            }
        }
    }

    /// Whether IAM database authentication is on for the instance, cluster or proxy behind
    /// `hostname` (what a mock database endpoint asks before checking a token).
    public func iamAuthenticationEnabled(hostname: String) -> Bool? {
        let host = hostname.lowercased()
        return state.withLock { state in
            if let instance = state.instances.first(where: { $0.address.lowercased() == host }) { return instance.iamDatabaseAuthenticationEnabled }
            if let cluster = state.clusters.first(where: { $0.endpoint.lowercased() == host || $0.readerEndpoint.lowercased() == host }) {
                return cluster.iamDatabaseAuthenticationEnabled
            }
            if let proxy = state.proxies.first(where: { $0.endpoint.lowercased() == host }) { return proxy.auth.contains { $0.iamAuth != "DISABLED" } }
            return nil
        }
    }
}
