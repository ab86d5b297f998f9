import Foundation

/// An AWS access key pair, optionally temporary (with a session token and an expiry).
///
/// The description never shows the secret key or the session token: credentials end up in
/// log lines and error texts through string interpolation more easily than anyone intends.
public struct AWSCredentials: Sendable, Equatable {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String?
    public let expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Whether these credentials are still usable for `interval` seconds after `now`.
    public func isValid(for interval: TimeInterval, at now: Date) -> Bool {
        guard let expiration else { return true }
        return expiration.timeIntervalSince(now) > interval
    }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        var text = "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(ISO8601DateFormatter().string(from: expiration))" }
        return text + ")"
    }

    public var debugDescription: String { description }
}
