/// An RDS, Aurora, RDS Proxy or Redshift hostname taken apart into the pieces the tunnel needs.
///
/// The region in the hostname is the default signing region for IAM tokens, and the kind decides
/// which credential flow applies (an RDS IAM token, or Redshift Serverless `GetCredentials`).
/// Parsing is strict on purpose: a typo in a hostname otherwise only shows up later as a DNS
/// failure or as a token signed for the wrong region, both much harder to read.
public struct DatabaseEndpoint: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// `<instance>.<hash>.<region>.rds.amazonaws.com`
        case rdsInstance
        /// `<cluster>.cluster-<hash>.<region>.rds.amazonaws.com` (the writer endpoint)
        case auroraCluster
        /// `<cluster>.cluster-ro-<hash>.<region>.rds.amazonaws.com` (the reader endpoint)
        case auroraClusterReadOnly
        /// `<endpoint>.cluster-custom-<hash>.<region>.rds.amazonaws.com`
        case auroraClusterCustom
        /// `<proxy>.proxy-<hash>.<region>.rds.amazonaws.com`
        case rdsProxy
        /// `<endpoint>.endpoint.proxy-<hash>.<region>.rds.amazonaws.com`
        case rdsProxyCustomEndpoint
        /// `<cluster>.<hash>.<region>.redshift.amazonaws.com`
        case redshiftCluster
        /// `<workgroup>.<account-id>.<region>.redshift-serverless.amazonaws.com`
        case redshiftServerless
    }

    /// The hostname lower-cased, without a trailing dot: the form that is signed into IAM tokens
    /// and sent as SNI.
    public let hostname: String
    public let kind: Kind
    public let region: String
    /// `aws`, `aws-cn` or `aws-us-gov`.
    public let partition: String
    /// The instance, cluster, custom endpoint, proxy, proxy endpoint, Redshift cluster or
    /// workgroup name.
    public let identifier: String
    /// The per-account, per-region hash label of RDS and provisioned Redshift hostnames; nil for
    /// Redshift Serverless, whose hostnames carry the account id instead.
    public let accountHash: String?
    /// Only Redshift Serverless hostnames carry the 12-digit account id.
    public let accountID: String?

    public static func parse(_ hostname: String) throws(DatabaseEndpointError) -> DatabaseEndpoint {
        try Parser(input: hostname).parse()
    }
}

/// Why a string is not a usable AWS database hostname.
public struct DatabaseEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Equatable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case notAnAWSDatabaseHost
            case malformedHost
            case invalidRegion
            case invalidIdentifier
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Empty, an IP literal, or a domain that is not an RDS or Redshift one.
        public static let notAnAWSDatabaseHost = Self(.notAnAWSDatabaseHost)
        /// An AWS database domain, but the labels before it do not have a known shape.
        public static let malformedHost = Self(.malformedHost)
        /// The region label is not a region, or belongs to another partition than the domain.
        public static let invalidRegion = Self(.invalidRegion)
        /// The instance, cluster, proxy or workgroup name breaks AWS naming rules.
        public static let invalidIdentifier = Self(.invalidIdentifier)

        public var description: String {
            switch self.base {
            case .notAnAWSDatabaseHost: "notAnAWSDatabaseHost"
            case .malformedHost: "malformedHost"
            case .invalidRegion: "invalidRegion"
            case .invalidIdentifier: "invalidIdentifier"
            }
        }
    }

    public let code: Code
    /// The input exactly as given, so the user recognises what they typed.
    public let hostname: String
    /// What is wrong and what was expected, one sentence.
    public let reason: String

    init(_ code: Code, _ hostname: String, _ reason: String) {
        self.code = code
        self.hostname = hostname
        self.reason = reason
    }

    public var description: String {
        "Cannot use \"\(self.hostname)\" as an AWS database endpoint: \(self.reason)"
    }
}

extension DatabaseEndpoint {
    /// The domains the tunnel knows, by the labels they end in. Matching whole labels (not string
    /// suffixes) keeps `evilrds.amazonaws.com` and `…rds.amazonaws.com.example.com` out.
    private enum Service: CaseIterable {
        case rds, redshift, redshiftServerless

        var firstLabel: String {
            switch self {
            case .rds: "rds"
            case .redshift: "redshift"
            case .redshiftServerless: "redshift-serverless"
            }
        }
    }

    private static let expectedDomains =
        "it does not end in .rds.amazonaws.com, .redshift.amazonaws.com or "
        + ".redshift-serverless.amazonaws.com (with .cn appended in China)"

    private static let rdsShapes =
        "expected <name>.<hash>.<region>.rds.amazonaws.com, with cluster-, cluster-ro-, "
        + "cluster-custom- or proxy- before the hash for Aurora and RDS Proxy, "
        + "or <endpoint>.endpoint.proxy-<hash> for an RDS Proxy endpoint"

    private struct Parser {
        let input: String

        func parse() throws(DatabaseEndpointError) -> DatabaseEndpoint {
            let host = try self.normalized()
            let labels = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if labels.contains(where: \.isEmpty) {
                throw self.error(.malformedHost, "it has an empty label (two dots in a row, or a leading dot); check for a copy-paste slip")
            }

            let isChina = labels.last == "cn"
            let domainLength = isChina ? 4 : 3
            let domainTail = isChina ? ["amazonaws", "com", "cn"] : ["amazonaws", "com"]
            guard labels.count >= domainLength,
                Array(labels.suffix(domainLength - 1)) == domainTail,
                let service = Service.allCases.first(where: { $0.firstLabel == labels[labels.count - domainLength] })
            else {
                throw self.error(.notAnAWSDatabaseHost, DatabaseEndpoint.expectedDomains)
            }

            let leading = labels.dropLast(domainLength)
            guard let region = leading.last else {
                throw self.error(.malformedHost, "it is only the service domain; expected <name>.<hash>.<region> in front of it")
            }
            let partition = try self.partition(ofRegion: region, isChina: isChina)
            let names = Array(leading.dropLast())

            let kind: Kind
            let identifier: String
            let accountHash: String?
            var accountID: String? = nil
            switch service {
            case .rds:
                let parts = try self.rdsParts(names)
                (kind, identifier, accountHash) = (parts.kind, parts.identifier, parts.hash)
                try self.checkRDSIdentifier(identifier)
            case .redshift:
                guard names.count == 2 else {
                    throw self.error(.malformedHost, "expected <cluster>.<hash>.<region>.redshift.amazonaws.com")
                }
                guard Self.isAccountHash(names[1]) else {
                    throw self.error(.malformedHost, "'\(names[1])' is not the cluster's hash label; expected 8 to 16 lowercase letters and digits, as in <cluster>.abc123xyz789.<region>.redshift.amazonaws.com")
                }
                (kind, identifier, accountHash) = (.redshiftCluster, names[0], names[1])
                // Redshift cluster identifiers follow the same rules as RDS ones.
                try self.checkRDSIdentifier(identifier)
            case .redshiftServerless:
                guard names.count == 2 else {
                    throw self.error(.malformedHost, "expected <workgroup>.<12-digit account id>.<region>.redshift-serverless.amazonaws.com")
                }
                guard names[1].utf8.count == 12, names[1].utf8.allSatisfy(Self.isDigit) else {
                    throw self.error(.malformedHost, "'\(names[1])' is not a 12-digit AWS account id, which Redshift Serverless hostnames carry after the workgroup name")
                }
                (kind, identifier, accountHash, accountID) = (.redshiftServerless, names[0], nil, names[1])
                try self.checkWorkgroupName(identifier)
            }

            return DatabaseEndpoint(
                hostname: host,
                kind: kind,
                region: region,
                partition: partition,
                identifier: identifier,
                accountHash: accountHash,
                accountID: accountID
            )
        }

        /// Rejects what is clearly not a hostname (with a reason that says what to pass instead),
        /// then lower-cases and drops the FQDN dot.
        private func normalized() throws(DatabaseEndpointError) -> String {
            if self.input.isEmpty {
                throw self.error(.notAnAWSDatabaseHost, "the hostname is empty; pass the endpoint's DNS name, such as mydb.abc123xyz789.us-east-1.rds.amazonaws.com")
            }
            if self.input.first?.isWhitespace == true || self.input.last?.isWhitespace == true {
                throw self.error(.malformedHost, "it has leading or trailing whitespace; pass the hostname without spaces or newlines")
            }
            if self.input.contains("://") {
                throw self.error(.malformedHost, "it looks like a URL; pass the hostname only, without scheme, port or path")
            }
            // IAM tokens are signed for, and certificates issued to, the DNS name: an address can
            // never stand in for it, so say that before complaining about a port.
            if Self.isIPLiteral(self.input) {
                throw self.error(.notAnAWSDatabaseHost, "it is an IP address, but IAM authentication and certificate checks need the endpoint's DNS name (…rds.amazonaws.com)")
            }
            if self.input.contains(":") {
                throw self.error(.malformedHost, "it includes a port; pass the hostname only and give the port separately")
            }

            // Checked before lower-casing, because Unicode case mapping turns some non-ASCII
            // letters into ASCII ones (KELVIN SIGN becomes "k"), which would let a look-alike
            // name through.
            if let bad = self.input.unicodeScalars.first(where: { !Self.isHostnameCharacter($0) }) {
                throw self.error(.malformedHost, "it contains '\(bad)'; AWS database hostnames use only letters, digits, hyphens and dots")
            }
            var host = self.input.lowercased()
            if host.hasSuffix(".") {
                host.removeLast()
            }
            if host.isEmpty {
                throw self.error(.notAnAWSDatabaseHost, "the hostname is empty; pass the endpoint's DNS name, such as mydb.abc123xyz789.us-east-1.rds.amazonaws.com")
            }
            // RFC 1035 §2.3.4: at most 255 octets on the wire, which leaves 253 in text form.
            if host.utf8.count > 253 {
                throw self.error(.malformedHost, "it is \(host.utf8.count) characters long; DNS names have at most 253")
            }
            return host
        }

        private func partition(ofRegion region: String, isChina: Bool) throws(DatabaseEndpointError) -> String {
            guard Self.isRegion(region) else {
                throw self.error(.invalidRegion, "'\(region)' is not an AWS region; expected a region such as us-east-1, eu-central-2 or us-gov-west-1 before the service domain")
            }
            let parts = region.split(separator: "-")
            if parts[1].hasPrefix("iso") {
                throw self.error(.invalidRegion, "'\(region)' is in an isolated partition, whose hostnames do not end in .amazonaws.com or .amazonaws.com.cn")
            }
            let regionIsChina = parts[0] == "cn"
            if regionIsChina != isChina {
                throw self.error(.invalidRegion, regionIsChina
                    ? "'\(region)' is a China region, whose hostnames end in .amazonaws.com.cn, not .amazonaws.com"
                    : "'\(region)' is not a China region, so its hostnames end in .amazonaws.com, not .amazonaws.com.cn")
            }
            if regionIsChina { return "aws-cn" }
            return parts[1] == "gov" ? "aws-us-gov" : "aws"
        }

        /// Tells the RDS kinds apart by the label before the region; the hash after the prefix
        /// must still look like a hash, so `cluster-xx-<hash>` is an error rather than an instance.
        private func rdsParts(_ names: [String]) throws(DatabaseEndpointError) -> (kind: Kind, identifier: String, hash: String) {
            switch names.count {
            case 2:
                let (kind, hash) = try self.classifyRDSLabel(names[1])
                return (kind, names[0], hash)
            case 3 where names[1] == "endpoint":
                let (kind, hash) = try self.classifyRDSLabel(names[2])
                guard kind == .rdsProxy else {
                    throw self.error(.malformedHost, "'<name>.endpoint.' is only used by RDS Proxy endpoints; expected <endpoint>.endpoint.proxy-<hash>.<region>.rds.amazonaws.com")
                }
                return (.rdsProxyCustomEndpoint, names[0], hash)
            case 1:
                throw self.error(.malformedHost, "it lacks the per-account hash label between '\(names[0])' and the region; \(DatabaseEndpoint.rdsShapes)")
            case 0:
                throw self.error(.malformedHost, "it lacks the identifier and the per-account hash label; \(DatabaseEndpoint.rdsShapes)")
            default:
                throw self.error(.malformedHost, "it has \(names.count) labels before the region; \(DatabaseEndpoint.rdsShapes)")
            }
        }

        private static let rdsLabelPrefixes: [(prefix: String, kind: Kind)] = [
            // Longest first: "cluster-" is a prefix of the other two.
            ("cluster-custom-", .auroraClusterCustom),
            ("cluster-ro-", .auroraClusterReadOnly),
            ("cluster-", .auroraCluster),
            ("proxy-", .rdsProxy),
        ]

        private func classifyRDSLabel(_ label: String) throws(DatabaseEndpointError) -> (Kind, String) {
            if let (prefix, kind) = Self.rdsLabelPrefixes.first(where: { label.hasPrefix($0.prefix) }) {
                let hash = String(label.dropFirst(prefix.count))
                if Self.isAccountHash(hash) {
                    return (kind, hash)
                }
            } else if Self.isAccountHash(label) {
                return (.rdsInstance, label)
            }
            throw self.error(.malformedHost, "'\(label)' is not a known endpoint label; expected the per-account hash (8 to 16 lowercase letters and digits), optionally after cluster-, cluster-ro-, cluster-custom- or proxy-")
        }

        /// RDS naming rules for DB instances, clusters, custom endpoints and proxies (the same
        /// apply to Redshift clusters): 1–63 letters, digits and hyphens, a letter first, no
        /// hyphen last, no two hyphens in a row.
        private func checkRDSIdentifier(_ identifier: String) throws(DatabaseEndpointError) {
            let count = identifier.utf8.count
            if count > 63 {
                throw self.error(.invalidIdentifier, "the identifier is \(count) characters long; names have at most 63")
            }
            if let first = identifier.unicodeScalars.first, !Self.isLetter(first) {
                throw self.error(.invalidIdentifier, "the identifier '\(identifier)' starts with '\(first)'; names start with a letter")
            }
            if identifier.hasSuffix("-") {
                throw self.error(.invalidIdentifier, "the identifier '\(identifier)' ends with a hyphen, which names cannot")
            }
            if identifier.contains("--") {
                throw self.error(.invalidIdentifier, "the identifier '\(identifier)' contains two hyphens in a row, which names cannot")
            }
        }

        /// Redshift Serverless workgroup names: 3–64 lowercase letters, digits and hyphens.
        private func checkWorkgroupName(_ name: String) throws(DatabaseEndpointError) {
            let count = name.utf8.count
            guard (3...64).contains(count) else {
                throw self.error(.invalidIdentifier, "the workgroup name '\(name)' is \(count) characters long; workgroup names have 3 to 64")
            }
        }

        private func error(_ code: DatabaseEndpointError.Code, _ reason: String) -> DatabaseEndpointError {
            DatabaseEndpointError(code, self.input, reason)
        }

        // MARK: Character classes (ASCII only: anything else is rejected up front)

        private static func isDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }

        private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar)
        }

        private static func isHostnameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            Self.isLowerAlnum(scalar) || ("A"..."Z").contains(scalar) || scalar == "-" || scalar == "."
        }

        private static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }

        /// The per-account, per-region label RDS and Redshift put in every hostname. It is usually
        /// 12 characters; a range keeps hostnames such as the 9-character `abc123xyz` of the
        /// botocore token vector (reference/FACTS.md) parseable.
        private static func isAccountHash(_ label: String) -> Bool {
            (8...16).contains(label.utf8.count) && label.unicodeScalars.allSatisfy(Self.isLowerAlnum)
        }

        private static let regionDirections: Set<Substring> = [
            "central", "north", "south", "east", "west",
            "northeast", "northwest", "southeast", "southwest",
        ]

        /// `<area>[-gov|-iso…]-<direction>-<number>`, as in us-east-1, us-gov-west-1,
        /// cn-northwest-1, ap-southeast-7. The direction words are a closed set, which catches
        /// most typos without keeping a list of regions that would go stale.
        private static func isRegion(_ label: String) -> Bool {
            let parts = label.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3 || parts.count == 4 else { return false }
            let area = parts[0]
            guard area.count == 2, area.unicodeScalars.allSatisfy(Self.isLetter) else { return false }
            if parts.count == 4 {
                let scope = parts[1]
                let isISO = scope.hasPrefix("iso") && scope.count <= 4 && scope.unicodeScalars.allSatisfy(Self.isLetter)
                guard scope == "gov" || isISO else { return false }
            }
            guard Self.regionDirections.contains(parts[parts.count - 2]) else { return false }
            let number = parts[parts.count - 1].utf8
            return (1...2).contains(number.count) && number.allSatisfy(Self.isDigit) && number.first != UInt8(ascii: "0")
        }

        /// IPv4 dotted quads (a trailing dot or port allowed) and IPv6 literals, bracketed or not.
        private static func isIPLiteral(_ input: String) -> Bool {
            if input.hasPrefix("[") {
                return true
            }
            let isIPv6Character: (Character) -> Bool = { $0.isHexDigit || $0 == ":" || $0 == "." }
            if input.filter({ $0 == ":" }).count >= 2, input.allSatisfy(isIPv6Character) {
                return true
            }
            var host = Substring(input)
            if let colon = host.firstIndex(of: ":") {
                host = host[..<colon]
            }
            if host.hasSuffix(".") {
                host = host.dropLast()
            }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(Self.isDigit) }
        }
    }
}
