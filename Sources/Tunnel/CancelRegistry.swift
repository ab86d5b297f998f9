import PostgresWire
import Synchronization

/// Maps the cancel keys the tunnel gave each client to that session's upstream keys.
///
/// Clients get random keys of the tunnel's own making: a local process that guesses or
/// reads another client's keys can only cancel through this map, and the upstream's keys
/// never leave the tunnel.
public final class CancelRegistry: Sendable {
    private let entries = Mutex<[CancelRequest: CancelRequest]>([:])

    public init() {}

    /// A fresh local key pair bound to `upstream`.
    public func register(upstream: CancelRequest) -> CancelRequest {
        entries.withLock { entries in
            while true {
                let local = CancelRequest(processID: Int32.random(in: 1...Int32.max), secretKey: Int32.random(in: .min ... .max))
                if entries[local] == nil {
                    entries[local] = upstream
                    return local
                }
            }
        }
    }

    public func upstreamKey(for local: CancelRequest) -> CancelRequest? {
        entries.withLock { $0[local] }
    }

    public func unregister(_ local: CancelRequest) {
        _ = entries.withLock { $0.removeValue(forKey: local) }
    }

    public var count: Int { entries.withLock { $0.count } }
}
