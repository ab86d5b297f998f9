import Foundation

/// ISO 8601 times as AWS writes credential expirations: `2026-11-21T12:00:00Z`, with or
/// without fractional seconds, `Z` or an offset.
enum ISO8601Timestamp {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
