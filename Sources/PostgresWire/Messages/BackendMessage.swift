import NIOCore

/// Messages a server sends, as far as the tunnel and the mock endpoints need to understand
/// them: the startup and authentication phase. Everything after ReadyForQuery is relayed as bytes.
/// https://www.postgresql.org/docs/current/protocol-message-formats.html
public enum BackendMessage: Sendable, Equatable {
    case authentication(Authentication)
    case parameterStatus(name: String, value: String)
    case backendKeyData(CancelRequest)
    case readyForQuery(transactionStatus: UInt8)
    case errorResponse(PostgresErrorFields)
    case noticeResponse(PostgresErrorFields)
    /// Any other message, kept whole (type byte and body) so it can be passed on unchanged.
    case other(type: UInt8, body: ByteBuffer)

    public enum Authentication: Sendable, Equatable {
        case ok
        case cleartextPassword
        case md5Password(salt: UInt32)
        case sasl(mechanisms: [String])
        case saslContinue
        case saslFinal
        /// Kerberos, GSS, SSPI and anything newer.
        case other(code: Int32)

        /// How the method is called in messages to users.
        public var name: String {
            switch self {
            case .ok: "none"
            case .cleartextPassword: "cleartext password"
            case .md5Password: "md5"
            case .sasl(let mechanisms): "SASL (\(mechanisms.joined(separator: ", ")))"
            case .saslContinue, .saslFinal: "SASL"
            case .other(let code): "authentication request \(code)"
            }
        }
    }

    /// The largest message accepted while signing in: ParameterStatus values and error texts
    /// are short; anything huge during the handshake is garbage or an attack.
    public static let maxHandshakeMessageLength = 1 << 20

    /// Decodes one message, or returns nil (reader index untouched) when more bytes are needed.
    public static func decode(from buffer: inout ByteBuffer, maxLength: Int = maxHandshakeMessageLength) throws(PostgresWireError) -> BackendMessage? {
        guard buffer.readableBytes >= 5,
              let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self)
        else { return nil }
        guard length >= 4, Int(length) <= maxLength else {
            throw PostgresWireError("server message '\(Self.printable(type))' has invalid length \(length)")
        }
        guard buffer.readableBytes >= 1 + Int(length) else { return nil }
        var body = buffer.getSlice(at: buffer.readerIndex + 5, length: Int(length) - 4)!
        let message = try decodeBody(type: type, body: &body)
        guard body.readableBytes == 0 else {
            throw PostgresWireError("server message '\(Self.printable(type))' has \(body.readableBytes) unread bytes")
        }
        buffer.moveReaderIndex(forwardBy: 1 + Int(length))
        return message
    }

    private static func decodeBody(type: UInt8, body: inout ByteBuffer) throws(PostgresWireError) -> BackendMessage {
        func truncated() -> PostgresWireError { PostgresWireError("server message '\(printable(type))' is truncated") }
        switch type {
        case UInt8(ascii: "R"):
            guard let code = body.readInteger(as: Int32.self) else { throw truncated() }
            switch code {
            case 0: return .authentication(.ok)
            case 3: return .authentication(.cleartextPassword)
            case 5:
                guard let salt = body.readInteger(as: UInt32.self) else { throw truncated() }
                return .authentication(.md5Password(salt: salt))
            case 10:
                var mechanisms: [String] = []
                while let mechanism = body.readNullTerminatedString(), !mechanism.isEmpty { mechanisms.append(mechanism) }
                return .authentication(.sasl(mechanisms: mechanisms))
            case 11:
                body.moveReaderIndex(to: body.writerIndex)
                return .authentication(.saslContinue)
            case 12:
                body.moveReaderIndex(to: body.writerIndex)
                return .authentication(.saslFinal)
            default:
                body.moveReaderIndex(to: body.writerIndex)
                return .authentication(.other(code: code))
            }
        case UInt8(ascii: "S"):
            guard let name = body.readNullTerminatedString(), let value = body.readNullTerminatedString() else { throw truncated() }
            return .parameterStatus(name: name, value: value)
        case UInt8(ascii: "K"):
            // Protocol 3.0 keys are 4 bytes; 3.2 allows longer ones, which a 3.0 session never sees.
            guard body.readableBytes == 8, let pid = body.readInteger(as: Int32.self),
                  let secret = body.readInteger(as: Int32.self)
            else { throw truncated() }
            return .backendKeyData(CancelRequest(processID: pid, secretKey: secret))
        case UInt8(ascii: "Z"):
            guard let status = body.readInteger(as: UInt8.self) else { throw truncated() }
            return .readyForQuery(transactionStatus: status)
        case UInt8(ascii: "E"):
            return .errorResponse(try PostgresErrorFields.decode(from: &body))
        case UInt8(ascii: "N"):
            return .noticeResponse(try PostgresErrorFields.decode(from: &body))
        default:
            let whole = body
            body.moveReaderIndex(to: body.writerIndex)
            return .other(type: type, body: whole)
        }
    }

    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .authentication(let authentication):
            buffer.writePostgresMessage(type: UInt8(ascii: "R")) { buffer in
                switch authentication {
                case .ok: buffer.writeInteger(Int32(0))
                case .cleartextPassword: buffer.writeInteger(Int32(3))
                case .md5Password(let salt):
                    buffer.writeInteger(Int32(5))
                    buffer.writeInteger(salt)
                case .sasl(let mechanisms):
                    buffer.writeInteger(Int32(10))
                    for mechanism in mechanisms { buffer.writeNullTerminatedString(mechanism) }
                    buffer.writeInteger(UInt8(0))
                case .saslContinue: buffer.writeInteger(Int32(11))
                case .saslFinal: buffer.writeInteger(Int32(12))
                case .other(let code): buffer.writeInteger(code)
                }
            }
        case .parameterStatus(let name, let value):
            buffer.writePostgresMessage(type: UInt8(ascii: "S")) { buffer in
                buffer.writeNullTerminatedString(name)
                buffer.writeNullTerminatedString(value)
            }
        case .backendKeyData(let key):
            buffer.writePostgresMessage(type: UInt8(ascii: "K")) { buffer in
                buffer.writeInteger(key.processID)
                buffer.writeInteger(key.secretKey)
            }
        case .readyForQuery(let status):
            buffer.writePostgresMessage(type: UInt8(ascii: "Z")) { $0.writeInteger(status) }
        case .errorResponse(let fields):
            buffer.writePostgresMessage(type: UInt8(ascii: "E")) { fields.encode(into: &$0) }
        case .noticeResponse(let fields):
            buffer.writePostgresMessage(type: UInt8(ascii: "N")) { fields.encode(into: &$0) }
        case .other(let type, let body):
            buffer.writePostgresMessage(type: type) { buffer in
                var body = body
                buffer.writeBuffer(&body)
            }
        }
    }

    static func printable(_ type: UInt8) -> String {
        (0x21...0x7E).contains(type) ? String(UnicodeScalar(type)) : "0x" + String(type, radix: 16)
    }
}

/// The fields of an ErrorResponse or NoticeResponse, in order, as (code byte, text) pairs.
/// https://www.postgresql.org/docs/current/protocol-error-fields.html
public struct PostgresErrorFields: Sendable, Equatable {
    public var fields: [(code: UInt8, value: String)]

    public init(fields: [(code: UInt8, value: String)]) {
        self.fields = fields
    }

    /// A FATAL error as a server writes it: severity (localized and not), SQLSTATE, message,
    /// and an optional hint.
    public static func fatal(sqlState: String, message: String, hint: String? = nil) -> PostgresErrorFields {
        var fields: [(code: UInt8, value: String)] = [
            (UInt8(ascii: "S"), "FATAL"), (UInt8(ascii: "V"), "FATAL"),
            (UInt8(ascii: "C"), sqlState), (UInt8(ascii: "M"), message),
        ]
        if let hint { fields.append((UInt8(ascii: "H"), hint)) }
        return PostgresErrorFields(fields: fields)
    }

    public subscript(code: Character) -> String? {
        guard let byte = code.asciiValue else { return nil }
        return fields.first { $0.code == byte }?.value
    }

    public var severity: String? { self["V"] ?? self["S"] }
    public var sqlState: String? { self["C"] }
    public var message: String? { self["M"] }

    public static func == (lhs: PostgresErrorFields, rhs: PostgresErrorFields) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.code == $1.code && $0.value == $1.value }
    }

    static func decode(from body: inout ByteBuffer) throws(PostgresWireError) -> PostgresErrorFields {
        var fields: [(code: UInt8, value: String)] = []
        while true {
            guard let code = body.readInteger(as: UInt8.self) else {
                throw PostgresWireError("error fields are not terminated")
            }
            if code == 0 { break }
            guard let value = body.readNullTerminatedString() else {
                throw PostgresWireError("error field '\(BackendMessage.printable(code))' is not NUL-terminated")
            }
            fields.append((code, value))
        }
        return PostgresErrorFields(fields: fields)
    }

    func encode(into buffer: inout ByteBuffer) {
        for (code, value) in fields {
            buffer.writeInteger(code)
            buffer.writeNullTerminatedString(value)
        }
        buffer.writeInteger(UInt8(0))
    }
}
