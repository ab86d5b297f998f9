import Foundation
import Synchronization

/// Runs `count` blocking client sessions on real threads, all open at once.
enum ThreadedSessions {
    struct TimedOut: Error {}

    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// Counts arrivals; releases everyone when the last arrives.
    private final class Barrier: Sendable {
        private let arrived = Mutex(0)
        private let semaphore = DispatchSemaphore(value: 0)
        let count: Int
        init(count: Int) { self.count = count }

        func arrive() {
            let last = arrived.withLock { value -> Bool in
                value += 1
                return value == count
            }
            if last { for _ in 0..<count { semaphore.signal() } }
        }

        func wait(seconds: Double) { _ = semaphore.wait(timeout: .now() + seconds) }
    }

    /// `body(index, allConnected)`: call `allConnected()` once the session is open; it returns
    /// when every session has got that far (a failed session counts as arrived).
    static func run<Result: Sendable>(
        count: Int, timeout: Duration, body: @escaping @Sendable (Int, @Sendable () -> Void) throws -> Result
    ) throws -> [Result] {
        let barrier = Barrier(count: count)
        let done = DispatchGroup()
        let results = Mutex<[Swift.Result<Result, any Error>]>([])
        let seconds = Double(timeout.components.seconds)
        for index in 0..<count {
            done.enter()
            let thread = Thread {
                let reached = Flag()
                let result = Swift.Result {
                    try body(index) {
                        reached.value.store(true, ordering: .relaxed)
                        barrier.arrive()
                        barrier.wait(seconds: seconds)
                    }
                }
                if !reached.value.load(ordering: .relaxed) { barrier.arrive() }
                results.withLock { $0.append(result) }
                done.leave()
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        guard done.wait(timeout: .now() + seconds) == .success else { throw TimedOut() }
        return try results.withLock { try $0.map { try $0.get() } }
    }
}
