/// What the user points dbtunnel at: `--uri HOST:PORT` plus an optional `--region`, checked
/// and completed (the region from the hostname when not given).
public struct DatabaseTarget: Sendable, Equatable {
    /// As the user wrote it: the IAM token keeps the caller's spelling.
    public let host: String
    public let port: Int
    public let region: String
    /// The parsed AWS hostname, when it is one (a `--region` makes other hostnames usable,
    /// such as a lab endpoint or a DNS alias).
    public let endpoint: DatabaseEndpoint?

    public init(host: String, port: Int, region: String, endpoint: DatabaseEndpoint?) {
        self.host = host
        self.port = port
        self.region = region
        self.endpoint = endpoint
    }

    public static func resolve(uri: String, region explicitRegion: String?) throws(DatabaseTargetError) -> DatabaseTarget {
        let example = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com:5432"
        if uri.contains("://") {
            throw DatabaseTargetError("--uri takes HOST:PORT without a scheme, e.g. \(example); got \"\(uri)\"")
        }
        guard let colon = uri.lastIndex(of: ":") else {
            throw DatabaseTargetError("--uri \"\(uri)\" has no port; pass HOST:PORT, e.g. \(example) (PostgreSQL 5432, MySQL 3306, SQL Server 1433, Redshift 5439)")
        }
        let host = String(uri[..<colon]), portText = uri[uri.index(after: colon)...]
        guard !host.isEmpty else { throw DatabaseTargetError("--uri \"\(uri)\" has no hostname before the port; pass HOST:PORT, e.g. \(example)") }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw DatabaseTargetError("--uri \"\(uri)\" has port \"\(portText)\"; the port must be a number from 1 to 65535")
        }
        let endpoint = try? DatabaseEndpoint.parse(host)
        if let explicitRegion {
            guard isRegionName(explicitRegion) else {
                throw DatabaseTargetError("--region \"\(explicitRegion)\" is not a region name such as us-east-1")
            }
            return DatabaseTarget(host: host, port: port, region: explicitRegion, endpoint: endpoint)
        }
        do {
            let parsed = try DatabaseEndpoint.parse(host)
            return DatabaseTarget(host: host, port: port, region: parsed.region, endpoint: parsed)
        } catch {
            throw DatabaseTargetError("cannot tell the region from \"\(host)\" (\(error.reason)); pass --region, e.g. --region us-east-1")
        }
    }

    private static func isRegionName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count >= 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
            && parts.last!.allSatisfy(\.isNumber)
    }
}

/// A `--uri`/`--region` the user must correct; the message says how.
public struct DatabaseTargetError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
