import Testing
@testable import Tunnel

@Suite struct PeerCertificateCheckTests {
    @Test func legacyCommonNameTextIsGosWording() {
        #expect(PeerCertificateCheck.legacyCommonNameMessage == "x509: certificate relies on legacy Common Name field, use SANs instead")
    }
}
