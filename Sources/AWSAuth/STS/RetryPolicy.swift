/// Attempts with exponential backoff and full jitter, as botocore's standard retry mode does
/// (botocore/retries/standard.py): before attempt n+1 wait `random(0…1) × min(base × 2^(n-1), cap)`.
/// With the defaults, 3 attempts wait at most 1 s + 2 s in all.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first one included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A number in 0…1 (tests pass a constant).
    public var jitter: @Sendable () -> Double
    /// Waits between attempts (tests record instead of sleeping).
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(20),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.sleep = sleep
    }

    public static var standard: RetryPolicy { RetryPolicy() }

    /// The wait after failed attempt `attempt` (1-based).
    public func delay(after attempt: Int) -> Duration {
        var ceiling = baseDelay
        for _ in 1..<max(1, attempt) where ceiling < maxDelay { ceiling = ceiling * 2 }
        return min(ceiling, maxDelay) * min(1, max(0, jitter()))
    }

    /// Runs `body` until it succeeds, throws an error `shouldRetry` rejects, or the attempts run
    /// out (then the last error is thrown).
    public func run<T>(
        _ body: () async throws -> T, shouldRetry: (any Error) -> Bool
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch {
                guard attempt < maxAttempts, !(error is CancellationError), shouldRetry(error) else { throw error }
                try await sleep(delay(after: attempt))
                attempt += 1
            }
        }
    }
}
