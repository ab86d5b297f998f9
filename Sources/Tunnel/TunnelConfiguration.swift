import AWSAuth
import NIOCore

/// Everything `dbtunnel proxy db` was told, checked.
public struct TunnelConfiguration: Sendable {
    public enum DatabaseProtocol: String, Sendable, CaseIterable {
        case postgres
        case mysql
        case sqlserver
    }

    public var databaseProtocol: DatabaseProtocol
    /// The endpoint the token and the certificate are for (`--uri`, `--region`).
    public var target: DatabaseTarget
    /// `--connect-to HOST:PORT:ADDR:ADDRPORT`: dial this address instead of resolving the
    /// target; SNI, certificate checks and the token keep the target's name.
    public var dialAddress: (host: String, port: Int)?
    public var listenHost: String
    /// 0 picks a free port.
    public var listenPort: Int
    public var dbUser: String?
    public var dbName: String?
    public var tls: UpstreamTLSConfiguration
    public var connectTimeout: TimeAmount
    /// The whole upstream sign-in (TLS and authentication) after the TCP connect.
    public var signInTimeout: TimeAmount

    public init(
        databaseProtocol: DatabaseProtocol = .postgres, target: DatabaseTarget, dialAddress: (host: String, port: Int)? = nil,
        listenHost: String = "127.0.0.1", listenPort: Int = 0, dbUser: String? = nil, dbName: String? = nil,
        tls: UpstreamTLSConfiguration = UpstreamTLSConfiguration(), connectTimeout: TimeAmount = .seconds(10),
        signInTimeout: TimeAmount = .seconds(30)
    ) {
        self.databaseProtocol = databaseProtocol
        self.target = target
        self.dialAddress = dialAddress
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.dbUser = dbUser
        self.dbName = dbName
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.signInTimeout = signInTimeout
    }

    /// Where TCP connections go.
    var dialHost: String { dialAddress?.host ?? target.host }
    var dialPort: Int { dialAddress?.port ?? target.port }

    /// `host:port`, with the dialled address when `--connect-to` differs, for messages.
    var upstreamDescription: String {
        let named = "\(target.host):\(target.port)"
        guard let dialAddress else { return named }
        return "\(named) (dialling \(dialAddress.host):\(dialAddress.port))"
    }
}

/// How the tunnel speaks TLS to the database.
public struct UpstreamTLSConfiguration: Sendable {
    /// `--ca-file`: PEM bundle of trusted roots; nil uses the system roots.
    public var caFile: String?
    public var mode: UpstreamCertificateVerifier.Mode
    /// `--tls-server-name`: SNI and the name checked in the certificate; default the target host.
    public var serverName: String?
    /// `--cert-file`/`--key-file`: client certificate for mTLS.
    public var certificateFile: String?
    public var keyFile: String?

    public init(
        caFile: String? = nil, mode: UpstreamCertificateVerifier.Mode = .verifyFull, serverName: String? = nil,
        certificateFile: String? = nil, keyFile: String? = nil
    ) {
        self.caFile = caFile
        self.mode = mode
        self.serverName = serverName
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// `--connect-to HOST:PORT:ADDR:ADDRPORT` as curl reads it.
public struct ConnectTo: Sendable, Equatable {
    public let host: String
    public let port: Int
    public let address: String
    public let addressPort: Int

    public static func parse(_ text: String) -> ConnectTo? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, !parts[0].isEmpty, !parts[2].isEmpty,
              let port = Int(parts[1]), (1...65535).contains(port),
              let addressPort = Int(parts[3]), (1...65535).contains(addressPort)
        else { return nil }
        return ConnectTo(host: parts[0], port: port, address: parts[2], addressPort: addressPort)
    }
}
