import Testing
@testable import PostgresWire

@Suite struct PostgresProtocolTests {
    @Test func requestCodesAreTheDocumentedMagicNumbers() {
        // 1234 in the high 16 bits, 5678/5679/5680 in the low ones.
        #expect(PostgresProtocol.cancelRequestCode == 1234 << 16 | 5678)
        #expect(PostgresProtocol.sslRequestCode == 1234 << 16 | 5679)
        #expect(PostgresProtocol.gssEncRequestCode == 1234 << 16 | 5680)
        #expect(PostgresProtocol.version3 == 3 << 16)
    }
}
