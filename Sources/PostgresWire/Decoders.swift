import NIOCore

/// `StartupPacket.decode` as a NIO decoder (a server's first packets).
public struct StartupPacketDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = StartupPacket

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> StartupPacket? {
        try StartupPacket.decode(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> StartupPacket? {
        try decode(buffer: &buffer)
    }
}

/// `BackendMessage.decode` as a NIO decoder (a client reading a server).
public struct BackendMessageDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = BackendMessage

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> BackendMessage? {
        try BackendMessage.decode(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> BackendMessage? {
        try decode(buffer: &buffer)
    }
}

/// `FrontendMessage.decode` as a NIO decoder (a server reading a client after startup).
public struct FrontendMessageDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = FrontendMessage

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> FrontendMessage? {
        try FrontendMessage.decode(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FrontendMessage? {
        try decode(buffer: &buffer)
    }
}
