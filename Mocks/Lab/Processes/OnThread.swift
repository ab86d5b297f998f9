import Foundation

/// Runs blocking work (starting or stopping a PostgreSQL server, psql) on a thread of its own:
/// the concurrency pool has one thread per core (two here), and the mock AWS and the endpoints'
/// callers need them while a backend starts.
func onThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Swift.Result { try body() }) }
    }
}
