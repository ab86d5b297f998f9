import AWSAuth

/// An RDS IAM token taken apart without trusting a byte of it: `host:port/?name=value&…`, a
/// presigned URL without its scheme (reference/FACTS.md, "RDS IAM auth token").
///
/// Only the shape is checked here; what the fields must say is `RDSTokenVerifier`'s business.
/// Every failure is a `.malformed` rejection, never a trap: the text comes from whoever can
/// reach the mock's port.
struct RDSTokenText {
    /// Real tokens are about 400 bytes, 1–3 KB with an STS session token. Anything much longer
    /// is junk, refused before any work is spent on it.
    static let maximumLength = 16 * 1024

    /// As written in the token (the case the caller used).
    let host: Substring
    let port: Int
    /// Every query parameter, names and values percent-decoded, in token order.
    let parameters: [(name: String, value: String)]
    private let values: [String: String]

    subscript(name: String) -> String? { values[name] }

    /// The decoded value of a parameter every token carries.
    func required(_ name: String) throws(TokenRejection) -> String {
        guard let value = values[name] else { throw Self.malformed("the token has no \(name) parameter") }
        return value
    }

    static func parse(_ token: String) throws(TokenRejection) -> RDSTokenText {
        let bytes = token.utf8
        guard !bytes.isEmpty else { throw malformed("the token is empty") }
        guard bytes.count <= maximumLength else {
            throw malformed("the token is \(bytes.count) bytes long, more than the \(maximumLength) accepted")
        }
        // A presigned URL is percent-encoded ASCII: no spaces, controls or other characters.
        // Checking this first also means every index below falls on a character boundary.
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw malformed("the token holds a character outside printable ASCII (real tokens are percent-encoded)")
        }
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else {
            throw malformed("the token is not of the form host:port/?query (no '/')")
        }
        let rest = token[slash...]
        guard rest.hasPrefix("/?") else {
            throw malformed("the token is not of the form host:port/?query (the path is not '/' followed by '?')")
        }
        let (host, port) = try authority(token[..<slash])
        let (parameters, values) = try query(rest.dropFirst(2))
        return RDSTokenText(host: host, port: port, parameters: parameters, values: values)
    }

    /// `host:port`, split at the last colon (so a bracketed IPv6 literal keeps its colons).
    private static func authority(_ text: Substring) throws(TokenRejection) -> (Substring, Int) {
        guard let colon = text.lastIndex(of: ":") else { throw malformed("the token has no port after the host") }
        let host = text[..<colon]
        let portText = text[text.index(after: colon)...]
        guard !host.isEmpty else { throw malformed("the token has an empty host") }
        guard (1...5).contains(portText.utf8.count),
              portText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let port = Int(portText), (1...65_535).contains(port)
        else { throw malformed("the token's port is not a number from 1 to 65535") }
        return (host, port)
    }

    private static func query(
        _ text: Substring
    ) throws(TokenRejection) -> ([(name: String, value: String)], [String: String]) {
        guard !text.isEmpty else { throw malformed("the token has an empty query") }
        var parameters: [(name: String, value: String)] = []
        var values: [String: String] = [:]
        for field in text.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = field.firstIndex(of: "=") else {
                throw malformed("a query field has no '=' (parameter \(parameters.count + 1))")
            }
            guard let name = URIEncoding.decode(field[..<equals]), !name.isEmpty else {
                throw malformed("a query field has an empty or badly escaped name (parameter \(parameters.count + 1))")
            }
            guard let value = URIEncoding.decode(field[field.index(after: equals)...]) else {
                throw malformed("\(nameForLog(name)) has a bad percent escape or is not UTF-8")
            }
            // A repeated parameter would make "which value was signed" ambiguous; no signer
            // writes one.
            guard values.updateValue(value, forKey: name) == nil else {
                throw malformed("\(nameForLog(name)) appears more than once")
            }
            parameters.append((name, value))
        }
        return (parameters, values)
    }

    /// The parameters a real token has; names outside this list are not repeated in logs
    /// (they are free text from the client).
    static let knownNames = RDSTokenVerifier.signerParameters.union(["Action", "DBUser"])

    private static func nameForLog(_ name: String) -> String {
        knownNames.contains(name) ? "the \(name) parameter" : "a parameter that RDS tokens do not have"
    }

    private static func malformed(_ detail: String) -> TokenRejection {
        TokenRejection(.malformed, detail)
    }
}
