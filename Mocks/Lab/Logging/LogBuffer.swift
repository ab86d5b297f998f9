import Logging
import Synchronization

/// The last lines a lab (or any component) logged, in memory: a scenario's `lab_log_contains`
/// and failure report (the mock's side of the story), and tests that check what was said.
public final class LogBuffer: Sendable {
    private let lines = Mutex<[String]>([])
    private let capacity: Int

    public init(capacity: Int = 2000) {
        self.capacity = capacity
    }

    func append(_ line: String) {
        lines.withLock {
            $0.append(line)
            if $0.count > capacity { $0.removeFirst($0.count - capacity) }
        }
    }

    /// The last `count` lines, as `<level> <label>: <message> [metadata]`.
    public func tail(_ count: Int) -> [String] { lines.withLock { Array($0.suffix(count)) } }

    /// Whether a kept line contains `text`.
    public func contains(_ text: String) -> Bool { lines.withLock { $0.contains { $0.contains(text) } } }

    /// A logger writing into this buffer.
    public func logger(label: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { label in Handler(buffer: self, label: label) }
        logger.logLevel = level
        return logger
    }

    struct Handler: LogHandler {
        let buffer: LogBuffer
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let suffix = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            buffer.append("\(event.level) \(label): \(event.message)\(suffix)")
        }
    }
}
