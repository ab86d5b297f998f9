import DBMocks
import Synchronization

extension LabRuntime {
    /// Takes `database`'s mock endpoint off the network. Sessions already signed in go on;
    /// new connections are refused (`.refuse`) or go unanswered (`.drop`: a listener whose
    /// accept queue is full takes the endpoint's port). Replaces an earlier cut.
    public func cutEndpoint(_ database: String, _ how: EndpointCut) async throws {
        let endpoint = try self.endpoint(database)
        faults.removeDropper(for: database)?.close()
        try await endpoint.endpoint.close()
        switch how {
        case .refuse:
            break
        case .drop:
            faults.setDropper(try await DroppingListener(port: endpoint.port), for: database)
        }
    }

    /// Makes `database`'s mock endpoint wait `delay` on each new connection before it answers
    /// anything (the SSLRequest included): a slow or overloaded database.
    public func delayEndpoint(_ database: String, by delay: Duration) async throws {
        try endpoint(database).endpoint.answerDelay = delay
    }

    /// Undoes `cutEndpoint` and `delayEndpoint`: the endpoint listens again on its port and
    /// answers at once.
    public func restoreEndpoint(_ database: String) async throws {
        let endpoint = try self.endpoint(database)
        endpoint.endpoint.answerDelay = .zero
        faults.removeDropper(for: database)?.close()
        if endpoint.endpoint.port == nil {
            try await endpoint.endpoint.start(port: endpoint.port)
        }
    }

    /// The running endpoint of the lab file's database `identifier`.
    func endpoint(_ identifier: String) throws(LabRuntimeError) -> Endpoint {
        guard let endpoint = endpoints.first(where: { $0.database.identifier == identifier }) else {
            let names = endpoints.map(\.database.identifier)
            throw LabRuntimeError(
                "lab \(lab.name) has no database '\(identifier)'; "
                    + (names.isEmpty ? "it has no databases" : "its databases: \(names.joined(separator: ", "))")
            )
        }
        return endpoint
    }
}

/// The faults injected into a lab's endpoints that hold resources: the dropping listeners.
final class EndpointFaults: Sendable {
    private let droppers = Mutex<[String: DroppingListener]>([:])

    func setDropper(_ listener: DroppingListener, for database: String) {
        let previous = droppers.withLock { $0.updateValue(listener, forKey: database) }
        previous?.close()
    }

    func removeDropper(for database: String) -> DroppingListener? {
        droppers.withLock { $0.removeValue(forKey: database) }
    }

    /// Closes every dropping listener (the lab stops).
    func removeAll() {
        let all = droppers.withLock { droppers in
            defer { droppers = [:] }
            return droppers
        }
        for listener in all.values { listener.close() }
    }
}
