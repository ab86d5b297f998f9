import Foundation
import NIOCore
import X509

/// Verifies the database's certificate chain ourselves (NIOSSL hands us the presented chain),
/// so that each failure gets the message users search for, and so that a certificate with only
/// a Common Name is refused (BoringSSL and swift-certificates would accept it).
///
/// Order as in Go's crypto/tls: the chain first (trust, validity), then the hostname.
public struct UpstreamCertificateVerifier: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Chain and hostname (the default, as `sslmode=verify-full`).
        case verifyFull = "verify-full"
        /// Chain only (as `sslmode=verify-ca`).
        case verifyCA = "verify-ca"
    }

    public let roots: [Certificate]
    public let mode: Mode
    /// The name the certificate must carry (the endpoint's hostname or `--tls-server-name`).
    public let serverName: String

    public init(roots: [Certificate], mode: Mode, serverName: String) {
        self.roots = roots
        self.mode = mode
        self.serverName = serverName
    }

    /// nil when the chain is acceptable, otherwise the reason in Go's words. `now` is the
    /// clock the chain is checked against (the verifier's policies read the same clock).
    public func verify(chain presented: [Certificate], now: Date = Date()) async -> String? {
        guard let leaf = presented.first else { return "x509: the server presented no certificate" }
        let intermediates = CertificateStore(Array(presented.dropFirst()))
        var chainVerifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy()
        }
        if case .couldNotValidate = await chainVerifier.validate(leaf: leaf, intermediates: intermediates) {
            if let expired = presented.first(where: { now < $0.notValidBefore || now > $0.notValidAfter }) {
                let bound = now > expired.notValidAfter ? "after \(Self.format(expired.notValidAfter))" : "before \(Self.format(expired.notValidBefore))"
                return "x509: certificate has expired or is not yet valid: current time \(Self.format(now)) is \(bound)"
            }
            return "x509: certificate signed by unknown authority"
        }
        guard mode == .verifyFull else { return nil }
        guard let names = try? leaf.extensions.subjectAlternativeNames, !names.isEmpty else {
            return PeerCertificateCheck.legacyCommonNameMessage
        }
        var hostVerifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: Self.isIPAddress(serverName) ? nil : serverName,
                                 serverIP: Self.isIPAddress(serverName) ? serverName : nil)
        }
        if case .couldNotValidate = await hostVerifier.validate(leaf: leaf, intermediates: intermediates) {
            let valid = names.compactMap { name -> String? in
                switch name {
                case .dnsName(let dns): dns
                case .ipAddress: "an IP address"
                default: nil
                }
            }
            return "x509: certificate is valid for \(valid.joined(separator: ", ")), not \(serverName)"
        }
        return nil
    }

    static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    private static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
