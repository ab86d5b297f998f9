import Foundation

/// Runs blocking work (waiting for a child process) on a thread of its own: the concurrency
/// pool is two threads on a two-core machine, and the mock AWS answers on it.
func onThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Swift.Result { try body() }) }
    }
}
