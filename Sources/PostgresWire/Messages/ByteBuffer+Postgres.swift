import NIOCore

extension ByteBuffer {
    /// Writes an optional type byte, then an Int32 length (counting itself) patched after
    /// `body` has written the payload.
    mutating func writePostgresMessage(type: UInt8?, _ body: (inout ByteBuffer) -> Void) {
        if let type { writeInteger(type) }
        let lengthIndex = writerIndex
        writeInteger(Int32(0))
        body(&self)
        setInteger(Int32(writerIndex - lengthIndex), at: lengthIndex)
    }
}
