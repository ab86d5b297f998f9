import NIOCore
import NIOTestUtils
import Testing
@testable import PostgresWire

@Suite("PostgreSQL message codecs")
struct CodecTests {
    static let startup = StartupMessage(parameters: [
        ("user", "alice"), ("database", "app"), ("application_name", "psql"), ("options", "-c search_path=x"),
    ])

    func encoded(_ packet: StartupPacket) -> ByteBuffer {
        var buffer = ByteBuffer()
        packet.encode(into: &buffer)
        return buffer
    }

    func encoded(_ message: BackendMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        return buffer
    }

    @Test func startupPacketsRoundTripThroughTheDecoderVerifier() throws {
        let packets: [StartupPacket] = [
            .sslRequest, .gssEncRequest, .cancel(CancelRequest(processID: 42, secretKey: -7)), .startup(Self.startup),
        ]
        for packet in packets {
            try ByteToMessageDecoderVerifier.verifyDecoder(
                inputOutputPairs: [(encoded(packet), [packet])],
                decoderFactory: { StartupPacketDecoder() }
            )
        }
    }

    @Test func sslRequestIsTheDocumentedEightBytes() {
        #expect(Array(encoded(.sslRequest).readableBytesView) == [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F])
    }

    @Test func startupMessageKeepsParameterOrder() throws {
        var buffer = encoded(.startup(Self.startup))
        let decoded = try #require(try StartupPacket.decode(from: &buffer))
        guard case .startup(let message) = decoded else { Issue.record("not a startup"); return }
        #expect(message.parameters.map(\.name) == ["user", "database", "application_name", "options"])
        #expect(message.user == "alice")
        #expect(buffer.readableBytes == 0)
    }

    @Test func partialStartupWaitsWithoutConsuming() throws {
        let whole = encoded(.startup(Self.startup))
        var partial = whole.getSlice(at: 0, length: whole.readableBytes - 1)!
        #expect(try StartupPacket.decode(from: &partial) == nil)
        #expect(partial.readerIndex == 0)
    }

    @Test(arguments: [
        ([0, 0, 0, 4] as [UInt8], "invalid startup packet length 4"),
        ([0x7F, 0xFF, 0xFF, 0xFF], "invalid startup packet length 2147483647"),
        ([0, 0, 0, 12, 0x00, 0x02, 0x00, 0x00, 0, 0, 0, 0], "unsupported frontend protocol 2.0"),
        ([0, 0, 0, 14, 0x00, 0x03, 0x00, 0x00, 0x61, 0x00, 0x62, 0x00, 0x00, 0x78], "bytes after its terminator"),
        ([0, 0, 0, 10, 0x00, 0x03, 0x00, 0x00, 0x61, 0x62], "not NUL-terminated"),
        ([0, 0, 0, 12, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 1], "invalid CancelRequest length 12"),
    ])
    func malformedStartupPacketsAreErrorsNotCrashes(bytes: [UInt8], message: String) {
        var buffer = ByteBuffer(bytes: bytes)
        #expect { try StartupPacket.decode(from: &buffer) } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func backendMessagesRoundTrip() throws {
        let messages: [BackendMessage] = [
            .authentication(.ok), .authentication(.cleartextPassword), .authentication(.md5Password(salt: 0xDEADBEEF)),
            .authentication(.sasl(mechanisms: ["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"])),
            .parameterStatus(name: "server_version", value: "15.18"),
            .backendKeyData(CancelRequest(processID: 1234, secretKey: 5678)),
            .readyForQuery(transactionStatus: UInt8(ascii: "I")),
            .errorResponse(.fatal(sqlState: "28P01", message: "PAM authentication failed for user \"alice\"")),
            .noticeResponse(PostgresErrorFields(fields: [(UInt8(ascii: "S"), "NOTICE"), (UInt8(ascii: "M"), "hi")])),
            .other(type: UInt8(ascii: "T"), body: ByteBuffer(bytes: [0, 0])),
        ]
        for message in messages {
            try ByteToMessageDecoderVerifier.verifyDecoder(
                inputOutputPairs: [(encoded(message), [message])],
                decoderFactory: { BackendMessageDecoder() }
            )
        }
    }

    @Test func errorFieldsExposeSeverityStateAndMessage() throws {
        var buffer = encoded(.errorResponse(.fatal(sqlState: "28P01", message: "PAM authentication failed for user \"alice\"", hint: "h")))
        guard case .errorResponse(let fields) = try #require(try BackendMessage.decode(from: &buffer)) else {
            Issue.record("not an error"); return
        }
        #expect(fields.severity == "FATAL")
        #expect(fields.sqlState == "28P01")
        #expect(fields.message == "PAM authentication failed for user \"alice\"")
        #expect(fields["H"] == "h")
    }

    @Test(arguments: [
        ([UInt8(ascii: "R"), 0, 0, 0, 3] as [UInt8], "invalid length 3"),
        ([UInt8(ascii: "R"), 0x7F, 0, 0, 0], "invalid length"),
        ([UInt8(ascii: "R"), 0, 0, 0, 6, 0, 0], "truncated"),
        ([UInt8(ascii: "K"), 0, 0, 0, 8, 0, 0, 0, 1], "truncated"),
        ([UInt8(ascii: "Z"), 0, 0, 0, 6, 0x49, 0x49], "unread bytes"),
        ([UInt8(ascii: "E"), 0, 0, 0, 7, 0x4D, 0x61, 0x62], "not NUL-terminated"),
    ])
    func malformedBackendMessagesAreErrors(bytes: [UInt8], message: String) {
        var buffer = ByteBuffer(bytes: bytes)
        #expect { try BackendMessage.decode(from: &buffer) } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func passwordMessageRoundTrips() throws {
        var buffer = ByteBuffer()
        FrontendMessage.password("host:5432/?Action=connect&DBUser=alice").encode(into: &buffer)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(buffer, [.password("host:5432/?Action=connect&DBUser=alice")])],
            decoderFactory: { FrontendMessageDecoder() }
        )
    }

    @Test func queryMessageIsTheDocumentedBytesAndRoundTrips() throws {
        var buffer = ByteBuffer()
        FrontendMessage.query("select 1").encode(into: &buffer)
        // 'Q', Int32 length counting itself (4 + 8 characters + NUL), the text, NUL.
        #expect(Array(buffer.readableBytesView) == [UInt8(ascii: "Q"), 0, 0, 0, 13] + Array("select 1".utf8) + [0])
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(buffer, [.query("select 1")])],
            decoderFactory: { FrontendMessageDecoder() }
        )
    }

    @Test func queryWithoutItsTerminatorIsAnError() {
        var buffer = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0, 0, 0, 6, UInt8(ascii: "x"), UInt8(ascii: "y")])
        #expect { try FrontendMessage.decode(from: &buffer) } throws: { error in
            "\(error)".contains("Query is not a NUL-terminated string")
        }
    }

    @Test func oversizedPasswordMessageIsRefused() {
        var buffer = ByteBuffer(bytes: [UInt8(ascii: "p"), 0x00, 0x10, 0x00, 0x00])
        #expect(throws: PostgresWireError.self) { try FrontendMessage.decode(from: &buffer) }
    }
}
