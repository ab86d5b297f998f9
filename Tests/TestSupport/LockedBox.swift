import Synchronization

/// A value shared with a thread a test starts.
public final class LockedBox<Value: Sendable>: Sendable {
    private let stored: Mutex<Value>

    public init(_ value: Value) {
        stored = Mutex(value)
    }

    public var value: Value {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
