import Foundation
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// The TLS side of every upstream connection: one NIOSSLContext (client certificate, TLS 1.2+)
/// and our own certificate verification, made once when the tunnel starts.
struct UpstreamTLS: Sendable {
    let context: NIOSSLContext
    let verifier: UpstreamCertificateVerifier
    /// SNI and the name checked in the certificate.
    let serverName: String

    init(_ configuration: UpstreamTLSConfiguration, targetHost: String) throws {
        let serverName = configuration.serverName ?? targetHost
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        // Our verifier decides (see UpstreamCertificateVerifier); BoringSSL still checks the
        // handshake signatures.
        tls.certificateVerification = .noHostnameVerification
        // PostgreSQL's default ssl_ecdh_curve is prime256v1: offering its key share first
        // avoids a HelloRetryRequest round trip on every connection (reference/FACTS.md).
        tls.curves = [.secp256r1, .x25519, .secp384r1]
        if let certificateFile = configuration.certificateFile {
            guard let keyFile = configuration.keyFile else {
                throw TunnelSetupError("--cert-file needs --key-file")
            }
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw TunnelSetupError("cannot load the client certificate \(certificateFile) / key \(keyFile): \(error)")
            }
        } else if configuration.keyFile != nil {
            throw TunnelSetupError("--key-file needs --cert-file")
        }
        let roots: [Certificate]
        if let caFile = configuration.caFile {
            roots = try Self.loadPEMBundle(caFile)
        } else {
            roots = try Self.systemRoots()
        }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw TunnelSetupError("cannot set up TLS: \(error)")
        }
        verifier = UpstreamCertificateVerifier(roots: roots, mode: configuration.mode, serverName: serverName)
        self.serverName = serverName
    }

    /// A client handler whose verification runs our verifier; `onFailure` receives the reason
    /// (before NIOSSL reports a generic handshake failure).
    func makeHandler(onFailure: @escaping (String) -> Void) throws -> NIOSSLClientHandler {
        let verifier = self.verifier
        let sni = UpstreamCertificateVerifier.isIPAddress(serverName) ? nil : serverName
        let report = UnsafeTransfer(onFailure)
        return try NIOSSLClientHandler(context: context, serverHostname: sni) { presented, promise in
            let eventLoop = promise.futureResult.eventLoop
            let chain: [Certificate]
            do {
                chain = try presented.map { try Certificate(derEncoded: try $0.toDERBytes()) }
            } catch {
                eventLoop.execute { report.value("x509: cannot parse the server's certificate: \(error)") }
                promise.succeed(.failed)
                return
            }
            promise.completeWithTask {
                if let failure = await verifier.verify(chain: chain) {
                    eventLoop.execute { report.value(failure) }
                    return .failed
                }
                return .certificateVerified
            }
        }
    }

    static func loadPEMBundle(_ path: String) throws -> [Certificate] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TunnelSetupError("cannot read the CA file \(path)")
        }
        let blocks = text.components(separatedBy: "-----END CERTIFICATE-----").compactMap { part -> String? in
            guard let start = part.range(of: "-----BEGIN CERTIFICATE-----") else { return nil }
            return String(part[start.lowerBound...]) + "-----END CERTIFICATE-----"
        }
        let certificates = try blocks.map { block in
            do { return try Certificate(pemEncoded: block) } catch {
                throw TunnelSetupError("the CA file \(path) holds a certificate that cannot be parsed: \(error)")
            }
        }
        guard !certificates.isEmpty else { throw TunnelSetupError("the CA file \(path) holds no PEM certificate") }
        return certificates
    }

    static func systemRoots() throws -> [Certificate] {
        for path in ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"]
        where FileManager.default.fileExists(atPath: path) {
            return try loadPEMBundle(path)
        }
        throw TunnelSetupError("no system CA bundle found; pass --ca-file (for RDS: the regional or global bundle from AWS)")
    }
}

/// A problem with the tunnel's own configuration, found before it listens.
public struct TunnelSetupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Carries a value known to be used only on one event loop across a `@Sendable` boundary.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
