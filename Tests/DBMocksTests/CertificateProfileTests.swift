import Testing
@testable import DBMocks

@Suite struct CertificateProfileTests {
    @Test func profilesAreNamedAsInLabFiles() {
        #expect(CertificateProfile.allCases.map(\.rawValue) == ["valid", "legacy-cn", "expired", "wrong-host", "unknown-ca"])
    }
}
