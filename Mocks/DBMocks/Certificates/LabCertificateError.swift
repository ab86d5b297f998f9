/// Why the lab CA could not issue or write a certificate.
public struct LabCertificateError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A server certificate was asked for without a single hostname to put in it.
        public static let noHostnames = Code(name: "NoHostnames")
        /// A PEM file could not be created or written.
        public static let unwritableFile = Code(name: "UnwritableFile")
    }

    public let code: Code
    /// One sentence: what is wrong and what to do. Never contains key material.
    public let message: String
    /// The error from below (a `POSIXError` for file writes), if any.
    public let underlying: (any Error & Sendable)?

    init(code: Code, message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return "\(code): \(message)" }
        return "\(code): \(message) (\(underlying))"
    }
}
