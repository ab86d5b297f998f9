import NIOCore

/// A message type that decodes itself from a buffer, returning nil (reader index untouched)
/// when more bytes are needed.
public protocol PostgresDecodable: Sendable {
    static func decode(from buffer: inout ByteBuffer) throws(PostgresWireError) -> Self?
}

/// Any `PostgresDecodable` as a NIO decoder.
public struct PostgresDecoder<Message: PostgresDecodable>: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Message

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> Message? {
        try Message.decode(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Message? {
        try decode(buffer: &buffer)
    }
}

/// A server's first packets.
public typealias StartupPacketDecoder = PostgresDecoder<StartupPacket>
/// A client reading a server (handshake limits).
public typealias BackendMessageDecoder = PostgresDecoder<BackendMessage>
/// A server reading a client after startup (handshake limits).
public typealias FrontendMessageDecoder = PostgresDecoder<FrontendMessage>

extension StartupPacket: PostgresDecodable {}

extension BackendMessage: PostgresDecodable {
    public static func decode(from buffer: inout ByteBuffer) throws(PostgresWireError) -> BackendMessage? {
        try decode(from: &buffer, maxLength: maxHandshakeMessageLength)
    }
}

extension FrontendMessage: PostgresDecodable {
    public static func decode(from buffer: inout ByteBuffer) throws(PostgresWireError) -> FrontendMessage? {
        try decode(from: &buffer, maxLength: maxHandshakeMessageLength)
    }
}
