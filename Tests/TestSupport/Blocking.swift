import Foundation

/// Runs blocking work (a subprocess, a libpq call) on a thread of its own and awaits it.
///
/// Tests must not block Swift concurrency's cooperative pool: it has one thread per core (two
/// here), and the code under test (actors, `completeWithTask`) needs those threads to answer
/// the very client the test is waiting for.
public func blocking<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Swift.Result { try body() })
        }
        thread.start()
    }
}
