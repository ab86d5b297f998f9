import NIOCore

/// Typed messages a client sends after the StartupMessage, as far as a server-side
/// handshake (and the mock endpoint's own check query) needs them: the password, a simple
/// Query, and Terminate. Everything else is kept whole.
public enum FrontendMessage: Sendable, Equatable {
    /// PasswordMessage ('p'), which also carries SASL responses; for cleartext it is a
    /// NUL-terminated string.
    case password(String)
    /// Query ('Q'): simple query protocol, one or more statements as a NUL-terminated string.
    case query(String)
    case terminate
    case other(type: UInt8, body: ByteBuffer)

    /// Passwords and tokens are short; an RDS IAM token is about 1 KB with a session token.
    public static let maxHandshakeMessageLength = 64 * 1024

    public static func decode(from buffer: inout ByteBuffer, maxLength: Int = maxHandshakeMessageLength) throws(PostgresWireError) -> FrontendMessage? {
        guard buffer.readableBytes >= 5,
              let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self)
        else { return nil }
        guard length >= 4, Int(length) <= maxLength else {
            throw PostgresWireError("client message '\(BackendMessage.printable(type))' has invalid length \(length)")
        }
        guard buffer.readableBytes >= 1 + Int(length) else { return nil }
        var body = buffer.getSlice(at: buffer.readerIndex + 5, length: Int(length) - 4)!
        let message: FrontendMessage
        switch type {
        case UInt8(ascii: "p"):
            guard let password = body.readNullTerminatedString(), body.readableBytes == 0 else {
                throw PostgresWireError("PasswordMessage is not a NUL-terminated string")
            }
            message = .password(password)
        case UInt8(ascii: "Q"):
            guard let text = body.readNullTerminatedString(), body.readableBytes == 0 else {
                throw PostgresWireError("Query is not a NUL-terminated string")
            }
            message = .query(text)
        case UInt8(ascii: "X"):
            message = .terminate
        default:
            message = .other(type: type, body: body)
        }
        buffer.moveReaderIndex(forwardBy: 1 + Int(length))
        return message
    }

    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .password(let password):
            buffer.writePostgresMessage(type: UInt8(ascii: "p")) { $0.writeNullTerminatedString(password) }
        case .query(let text):
            buffer.writePostgresMessage(type: UInt8(ascii: "Q")) { $0.writeNullTerminatedString(text) }
        case .terminate:
            buffer.writePostgresMessage(type: UInt8(ascii: "X")) { _ in }
        case .other(let type, let body):
            buffer.writePostgresMessage(type: type) { buffer in
                var body = body
                buffer.writeBuffer(&body)
            }
        }
    }
}
