import NIOCore

/// The first packets of a connection, which carry no type byte: an SSLRequest, a
/// GSSENCRequest, a CancelRequest or the StartupMessage itself.
/// https://www.postgresql.org/docs/current/protocol-message-formats.html
public enum StartupPacket: Sendable, Equatable {
    case sslRequest
    case gssEncRequest
    case cancel(CancelRequest)
    case startup(StartupMessage)

    /// Decodes one packet, or returns nil (reader index untouched) when more bytes are needed.
    /// A length below 8 or above `PostgresProtocol.maxStartupPacketLength` is an error, as in
    /// the server: an oversized prefix must not make us buffer forever.
    public static func decode(from buffer: inout ByteBuffer) throws(PostgresWireError) -> StartupPacket? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        guard length >= 8, length <= PostgresProtocol.maxStartupPacketLength else {
            throw PostgresWireError("invalid startup packet length \(length)")
        }
        guard buffer.readableBytes >= Int(length) else { return nil }
        var body = buffer.getSlice(at: buffer.readerIndex + 4, length: Int(length) - 4)!
        let code = body.readInteger(as: Int32.self)!
        let packet: StartupPacket
        switch code {
        case PostgresProtocol.sslRequestCode where body.readableBytes == 0:
            packet = .sslRequest
        case PostgresProtocol.gssEncRequestCode where body.readableBytes == 0:
            packet = .gssEncRequest
        case PostgresProtocol.cancelRequestCode:
            guard body.readableBytes == 8, let pid = body.readInteger(as: Int32.self),
                  let secret = body.readInteger(as: Int32.self)
            else { throw PostgresWireError("invalid CancelRequest length \(length)") }
            packet = .cancel(CancelRequest(processID: pid, secretKey: secret))
        case let version where version >> 16 == 3:
            packet = .startup(try StartupMessage.decodeParameters(version: version, from: &body))
        default:
            throw PostgresWireError("unsupported frontend protocol \(code >> 16).\(code & 0xFFFF)")
        }
        buffer.moveReaderIndex(forwardBy: Int(length))
        return packet
    }

    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .sslRequest:
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(PostgresProtocol.sslRequestCode)
        case .gssEncRequest:
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(PostgresProtocol.gssEncRequestCode)
        case .cancel(let cancel):
            buffer.writeInteger(Int32(16))
            buffer.writeInteger(PostgresProtocol.cancelRequestCode)
            buffer.writeInteger(cancel.processID)
            buffer.writeInteger(cancel.secretKey)
        case .startup(let startup):
            buffer.writePostgresMessage(type: nil) { buffer in
                buffer.writeInteger(startup.protocolVersion)
                for (name, value) in startup.parameters {
                    buffer.writeNullTerminatedString(name)
                    buffer.writeNullTerminatedString(value)
                }
                buffer.writeInteger(UInt8(0))
            }
        }
    }
}

/// CancelRequest: the key pair a server handed out in BackendKeyData.
public struct CancelRequest: Sendable, Hashable {
    public var processID: Int32
    public var secretKey: Int32

    public init(processID: Int32, secretKey: Int32) {
        self.processID = processID
        self.secretKey = secretKey
    }
}

/// StartupMessage: protocol version and `name=value` parameters (user, database, options,
/// application_name, …), in the order the client sent them.
public struct StartupMessage: Sendable, Equatable {
    public var protocolVersion: Int32
    public var parameters: [(name: String, value: String)]

    public init(protocolVersion: Int32 = PostgresProtocol.version3, parameters: [(name: String, value: String)]) {
        self.protocolVersion = protocolVersion
        self.parameters = parameters
    }

    public subscript(name: String) -> String? {
        get { parameters.first { $0.name == name }?.value }
        set {
            if let index = parameters.firstIndex(where: { $0.name == name }) {
                if let newValue { parameters[index].value = newValue } else { parameters.remove(at: index) }
            } else if let newValue {
                parameters.append((name, newValue))
            }
        }
    }

    public var user: String? { self["user"] }
    public var database: String? { self["database"] }

    public static func == (lhs: StartupMessage, rhs: StartupMessage) -> Bool {
        lhs.protocolVersion == rhs.protocolVersion
            && lhs.parameters.elementsEqual(rhs.parameters) { $0.name == $1.name && $0.value == $1.value }
    }

    static func decodeParameters(version: Int32, from body: inout ByteBuffer) throws(PostgresWireError) -> StartupMessage {
        var parameters: [(name: String, value: String)] = []
        while true {
            guard let name = body.readNullTerminatedString() else {
                throw PostgresWireError("StartupMessage parameters are not NUL-terminated")
            }
            if name.isEmpty { break }
            guard let value = body.readNullTerminatedString() else {
                throw PostgresWireError("StartupMessage parameter \"\(name.prefix(64))\" has no value")
            }
            parameters.append((name, value))
        }
        guard body.readableBytes == 0 else { throw PostgresWireError("StartupMessage has bytes after its terminator") }
        return StartupMessage(protocolVersion: version, parameters: parameters)
    }
}
