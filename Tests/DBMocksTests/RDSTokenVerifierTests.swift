import AWSAuth
import Foundation
import Testing
@testable import DBMocks

/// One mock IAM state, one endpoint, one frozen clock; tokens made by the real generator.
enum TokenLab {
    static let instant = AmzDate.parse("20240115T123456Z")!
    static let host = "mydb.cluster-abc123xyz.us-east-1.rds.amazonaws.com"
    static let port = 5432
    static let region = "us-east-1"
    static let user = "iam_user"

    static let longTerm = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let temporary = AWSCredentials(
        accessKeyID: "ASIAEXAMPLE", secretAccessKey: "tEmPoRaRy/SeCrEt+KeY0123456789EXAMPLE",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/session+token=="
    )
    static let userARN = "arn:aws:iam::123456789012:user/alice"
    static let roleARN = "arn:aws:sts::123456789012:assumed-role/db-connect/alice"

    static let otherSecret = "oTHeRsEcReT/notTheOneOnRecord+EXAMPLEKEY"
    static let otherSessionToken = "IQoJb3JpZ2luX2VjOTHER/session+token=="
    /// Everything no rejection text may repeat.
    static let secrets = [
        longTerm.secretAccessKey, temporary.secretAccessKey, temporary.sessionToken!, otherSecret, otherSessionToken,
        URIEncoding.encode(temporary.sessionToken!), URIEncoding.encode(otherSessionToken),
    ]

    static let keys: [String: RDSTokenVerifier.KeyRecord] = [
        longTerm.accessKeyID: .init(secretAccessKey: longTerm.secretAccessKey, sessionToken: nil, principalARN: userARN),
        temporary.accessKeyID: .init(
            secretAccessKey: temporary.secretAccessKey, sessionToken: temporary.sessionToken, principalARN: roleARN
        ),
    ]

    static let expectation = RDSTokenVerifier.Expectation(hostname: host, port: port, region: region, user: user)

    static func verifier(now: Date = instant) -> RDSTokenVerifier {
        RDSTokenVerifier(now: { now }, lookup: { TokenLab.keys[$0] })
    }

    static func token(
        host: String = TokenLab.host, port: Int = TokenLab.port, user: String = TokenLab.user,
        region: String = TokenLab.region, credentials: AWSCredentials = TokenLab.longTerm, date: Date = TokenLab.instant
    ) -> String {
        RDSAuthToken.generate(host: host, port: port, user: user, region: region, credentials: credentials, date: date)
    }

    /// A token assembled by hand from `SigV4Signer.presign`, for what `RDSAuthToken` never
    /// makes: another signed host, extra parameters.
    static func presignedToken(
        signedHost: String, extraQuery: [(name: String, value: String)] = [], credentials: AWSCredentials = TokenLab.longTerm
    ) -> String {
        let query = [("Action", "connect"), ("DBUser", user)] + extraQuery
        let presigned = SigV4Signer(credentials: credentials, region: region, service: "rds-db").presign(
            SigV4Request(method: "GET", path: "/", query: query, headers: [("host", signedHost)]),
            date: instant, expires: 900
        )
        var text = "\(host):\(port)/?"
        text += query.map { "\(URIEncoding.encode($0.name))=\(URIEncoding.encode($0.value))" }.joined(separator: "&")
        text += "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\(URIEncoding.encode(presigned.credential))"
        text += "&X-Amz-Date=\(presigned.signature.amzDate)&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
        if let token = presigned.securityToken { text += "&X-Amz-Security-Token=\(URIEncoding.encode(token))" }
        return text + "&X-Amz-Signature=\(presigned.signature.signature)"
    }

    /// `token` with `old` replaced by `new`; nil when `old` is not there (a broken table row).
    static func replacing(_ old: String, with new: String, in token: String = TokenLab.token()) -> String? {
        token.contains(old) ? token.replacingOccurrences(of: old, with: new) : nil
    }

    /// `token` with its query fields edited as a list of raw `name=value` texts.
    static func editingQuery(_ token: String = TokenLab.token(), _ edit: (inout [String]) -> Void) -> String {
        let parts = token.split(separator: "?", maxSplits: 1)
        var fields = parts[1].split(separator: "&").map(String.init)
        edit(&fields)
        return String(parts[0]) + "?" + fields.joined(separator: "&")
    }

    static func removing(_ name: String, from token: String = TokenLab.token()) -> String {
        editingQuery(token) { $0.removeAll { $0.hasPrefix(name + "=") } }
    }

    static func signature(of token: String) -> String? {
        token.range(of: "X-Amz-Signature=").map { String(token[$0.upperBound...].prefix(64)) }
    }

    /// The last hex digit of the signature (the last character of a generated token) changed.
    static func flippingLastDigit(of token: String) -> String {
        String(token.dropLast()) + (token.last == "0" ? "1" : "0")
    }
}

@Suite("RDS token verifier: tokens that must pass")
struct RDSTokenVerifierAcceptTests {
    struct Good: Sendable, CustomTestStringConvertible {
        let label: String
        let token: String
        var expecting = TokenLab.expectation
        var accessKeyID = TokenLab.longTerm.accessKeyID
        var principalARN = TokenLab.userARN
        var testDescription: String { label }
    }

    static let goods: [Good] = [
        Good(label: "long-term key", token: TokenLab.token()),
        Good(
            label: "temporary key with session token", token: TokenLab.token(credentials: TokenLab.temporary),
            accessKeyID: TokenLab.temporary.accessKeyID, principalARN: TokenLab.roleARN
        ),
        Good(
            label: "port 443 (bare host signed)", token: TokenLab.token(port: 443),
            expecting: .init(hostname: TokenLab.host, port: 443, region: TokenLab.region, user: TokenLab.user)
        ),
        Good(label: "mixed-case host in the token", token: TokenLab.token(host: "MyDB.Cluster-ABC123xyz.us-east-1.RDS.amazonaws.com")),
        Good(
            label: "mixed-case host in the expectation", token: TokenLab.token(),
            expecting: .init(
                hostname: "MYDB.cluster-abc123xyz.us-east-1.rds.AMAZONAWS.com", port: TokenLab.port,
                region: TokenLab.region, user: TokenLab.user
            )
        ),
        Good(
            label: "user with space and @", token: TokenLab.token(user: "jane doe@corp"),
            expecting: .init(hostname: TokenLab.host, port: TokenLab.port, region: TokenLab.region, user: "jane doe@corp")
        ),
        Good(
            label: "user with space and @, temporary key, port 443",
            token: TokenLab.token(port: 443, user: "jane doe@corp", credentials: TokenLab.temporary),
            expecting: .init(hostname: TokenLab.host, port: 443, region: TokenLab.region, user: "jane doe@corp"),
            accessKeyID: TokenLab.temporary.accessKeyID, principalARN: TokenLab.roleARN
        ),
        // botocore's own output (reference/FACTS.md vector), not ours.
        Good(
            label: "botocore vector",
            token: "mydb.cluster-abc123xyz.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=iam_user"
                + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240115%2Fus-east-1%2Frds-db%2Faws4_request"
                + "&X-Amz-Date=20240115T123456Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=f9f1d31a7af42b2cd0ba72098f3b44cac0d1308f31805b310af430b1ee86ff6a"
        ),
        // SigV4 signs decoded values and a sorted query: escapes in lower-case hex and another
        // parameter order sign the same.
        Good(label: "lower-case percent escapes", token: TokenLab.replacing("%2F", with: "%2f")!),
        Good(label: "parameters in another order", token: TokenLab.editingQuery { $0.reverse() }),
        Good(
            label: "a parameter beyond Action and DBUser, signed",
            token: TokenLab.presignedToken(signedHost: "\(TokenLab.host):5432", extraQuery: [("Extra", "x y")])
        ),
    ]

    @Test(arguments: goods)
    func verifies(_ good: Good) {
        let result = TokenLab.verifier().verify(good.token, expecting: good.expecting)
        #expect(result == .success(.init(
            accessKeyID: good.accessKeyID, principalARN: good.principalARN, user: good.expecting.user,
            signedAt: TokenLab.instant
        )))
    }

    @Test func acceptsTheWholeWindowAndNotASecondMore() {
        let token = TokenLab.token()
        func code(at offset: TimeInterval) -> TokenRejection.Code? {
            guard case .failure(let rejection) = TokenLab.verifier(now: TokenLab.instant + offset)
                .verify(token, expecting: TokenLab.expectation) else { return nil }
            return rejection.code
        }
        #expect(code(at: -300) == nil)  // the signer's clock 5 minutes ahead
        #expect(code(at: -301) == .notYetValid)
        #expect(code(at: 900) == nil)
        #expect(code(at: 901) == .expired)
    }
}

@Suite("RDS token verifier: rejections")
struct RDSTokenVerifierRejectTests {
    struct Rejection: Sendable, CustomTestStringConvertible {
        let code: TokenRejection.Code
        let label: String
        /// nil when the mutation did not apply (the table is broken, not the verifier).
        let token: String?
        var expecting = TokenLab.expectation
        var now = TokenLab.instant
        var testDescription: String { "\(code): \(label)" }
    }

    static let rejections: [Rejection] = [
        Rejection(code: .malformed, label: "no signature", token: TokenLab.removing("X-Amz-Signature")),
        Rejection(code: .wrongAction, label: "Action=other", token: TokenLab.replacing("Action=connect", with: "Action=other")),
        Rejection(code: .wrongHost, label: "another host", token: TokenLab.token(host: "otherdb.cluster-abc123xyz.us-east-1.rds.amazonaws.com")),
        Rejection(code: .wrongPort, label: "another port", token: TokenLab.token(port: 5433)),
        Rejection(code: .wrongUser, label: "another user", token: TokenLab.token(user: "iam_admin")),
        Rejection(code: .wrongUser, label: "user differs in case only", token: TokenLab.token(user: "IAM_USER")),
        Rejection(code: .wrongRegion, label: "another region", token: TokenLab.token(region: "us-west-2")),
        Rejection(code: .wrongService, label: "service rds", token: TokenLab.replacing("%2Frds-db%2F", with: "%2Frds%2F")),
        Rejection(
            code: .wrongAlgorithm, label: "SigV4a",
            token: TokenLab.replacing("AWS4-HMAC-SHA256", with: "AWS4-ECDSA-P256-SHA256")
        ),
        Rejection(
            code: .unsignedHost, label: "SignedHeaders=host;x-amz-date",
            token: TokenLab.replacing("X-Amz-SignedHeaders=host", with: "X-Amz-SignedHeaders=host;x-amz-date")
        ),
        Rejection(code: .unsignedHost, label: "SignedHeaders=Host", token: TokenLab.replacing("SignedHeaders=host", with: "SignedHeaders=Host")),
        Rejection(code: .expired, label: "16 minutes old", token: TokenLab.token(), now: TokenLab.instant + 16 * 60),
        Rejection(code: .notYetValid, label: "signed 10 minutes in the future", token: TokenLab.token(date: TokenLab.instant + 600)),
        Rejection(code: .badExpires, label: "expires 901", token: TokenLab.replacing("X-Amz-Expires=900", with: "X-Amz-Expires=901")),
        Rejection(code: .badExpires, label: "expires 0", token: TokenLab.replacing("X-Amz-Expires=900", with: "X-Amz-Expires=0")),
        Rejection(code: .badExpires, label: "expires -1", token: TokenLab.replacing("X-Amz-Expires=900", with: "X-Amz-Expires=-1")),
        Rejection(code: .badExpires, label: "expires abc", token: TokenLab.replacing("X-Amz-Expires=900", with: "X-Amz-Expires=abc")),
        Rejection(code: .badExpires, label: "expires 0900", token: TokenLab.replacing("X-Amz-Expires=900", with: "X-Amz-Expires=0900")),
        Rejection(code: .badExpires, label: "no expires", token: TokenLab.removing("X-Amz-Expires")),
        Rejection(
            code: .unknownAccessKey, label: "key not in IAM state",
            token: TokenLab.token(credentials: .init(accessKeyID: "AKIDUNKNOWN", secretAccessKey: TokenLab.otherSecret))
        ),
        Rejection(
            code: .missingSessionToken, label: "temporary key without its session token",
            token: TokenLab.token(credentials: .init(
                accessKeyID: TokenLab.temporary.accessKeyID, secretAccessKey: TokenLab.temporary.secretAccessKey
            ))
        ),
        Rejection(
            code: .sessionTokenMismatch, label: "temporary key with another session token",
            token: TokenLab.token(credentials: .init(
                accessKeyID: TokenLab.temporary.accessKeyID, secretAccessKey: TokenLab.temporary.secretAccessKey,
                sessionToken: TokenLab.otherSessionToken
            ))
        ),
        Rejection(
            code: .sessionTokenMismatch, label: "long-term key with a session token",
            token: TokenLab.token(credentials: .init(
                accessKeyID: TokenLab.longTerm.accessKeyID, secretAccessKey: TokenLab.longTerm.secretAccessKey,
                sessionToken: TokenLab.otherSessionToken
            ))
        ),
        Rejection(code: .signatureMismatch, label: "one hex digit flipped", token: TokenLab.flippingLastDigit(of: TokenLab.token())),
        Rejection(
            code: .signatureMismatch, label: "one hex digit flipped, temporary key",
            token: TokenLab.flippingLastDigit(of: TokenLab.token(credentials: TokenLab.temporary))
        ),
        Rejection(
            code: .signatureMismatch, label: "signed with another secret",
            token: TokenLab.token(credentials: .init(accessKeyID: TokenLab.longTerm.accessKeyID, secretAccessKey: TokenLab.otherSecret))
        ),
        Rejection(
            code: .signatureMismatch, label: "parameter added after signing",
            token: TokenLab.replacing("&X-Amz-Algorithm=", with: "&Extra=1&X-Amz-Algorithm=")
        ),
        Rejection(
            code: .signatureMismatch, label: "signed host without the port",
            token: TokenLab.presignedToken(signedHost: TokenLab.host)
        ),
        Rejection(
            code: .signatureMismatch, label: "port 443 signed as host:443",
            token: TokenLab.replacing(":5432/?", with: ":443/?", in: TokenLab.presignedToken(signedHost: "\(TokenLab.host):443")),
            expecting: .init(hostname: TokenLab.host, port: 443, region: TokenLab.region, user: TokenLab.user)
        ),
    ]

    @Test func everyCodeHasARow() {
        #expect(Set(Self.rejections.map(\.code)) == Set(TokenRejection.Code.all))
        #expect(TokenRejection.Code.all.count == 16)
    }

    @Test(arguments: rejections)
    func rejects(_ row: Rejection) throws {
        let token = try #require(row.token)
        let result = TokenLab.verifier(now: row.now).verify(token, expecting: row.expecting)
        guard case .failure(let rejection) = result else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(rejection.code == row.code, "\(rejection)")
        #expect(rejection.description.contains("(\(row.code))"))
    }

    /// Every rejection text, from the table and from garbage, against every secret in play and
    /// every signature (the presented one and the one the good token had).
    @Test func rejectionTextsHoldNoSecret() throws {
        let tokens = try Self.rejections.map { try #require($0.token) }
        let signatures = (tokens + [TokenLab.token(), TokenLab.token(credentials: TokenLab.temporary)]).compactMap(TokenLab.signature(of:))
        #expect(signatures.count >= tokens.count)
        var descriptions: [(token: String, text: String)] = []
        for row in Self.rejections {
            guard let token = row.token, case .failure(let rejection) = TokenLab.verifier(now: row.now).verify(token, expecting: row.expecting)
            else { continue }
            descriptions.append((token, rejection.description))
        }
        for token in RDSTokenVerifierGarbageTests.garbage {
            if case .failure(let rejection) = TokenLab.verifier().verify(token, expecting: TokenLab.expectation) {
                descriptions.append((token, rejection.description))
            }
        }
        #expect(descriptions.count == Self.rejections.count + RDSTokenVerifierGarbageTests.garbage.count)
        for (token, text) in descriptions {
            #expect(token.count < 20 || !text.contains(token))
            for secret in TokenLab.secrets + signatures {
                #expect(!text.contains(secret), "\(text)")
            }
        }
    }
}

@Suite("RDS token verifier: garbage")
struct RDSTokenVerifierGarbageTests {
    static let good = TokenLab.token()
    static let query = String(good.split(separator: "?", maxSplits: 1)[1])

    static let garbage: [String] = [
        "", "/", "?", "/?", "&", "=", ":", ":0/?a=b",
        "\(TokenLab.host):5432", "\(TokenLab.host):5432/", "\(TokenLab.host):5432/?",
        "\(TokenLab.host)/?\(query)", ":5432/?\(query)", "\(TokenLab.host):/?\(query)",
        "\(TokenLab.host):99999/?\(query)", "\(TokenLab.host):0/?\(query)", "\(TokenLab.host):54a2/?\(query)",
        "\(TokenLab.host):5432/db?\(query)", "https://\(good)", "\(TokenLab.host):5432?\(query)",
        // Escapes and encodings.
        TokenLab.replacing("DBUser=iam_user", with: "DBUser=%zz")!,
        TokenLab.replacing("DBUser=iam_user", with: "DBUser=iam_user%E")!,
        TokenLab.replacing("DBUser=iam_user", with: "DBUser=%FF%FE")!,
        TokenLab.replacing("DBUser=iam_user", with: "DBUser=iam user")!,
        TokenLab.replacing("DBUser=iam_user", with: "DBUser=iam\tuser")!,
        TokenLab.replacing("DBUser=iam_user", with: "DBUser=iam\u{0}user")!,
        TokenLab.replacing("DBUser=iam_user", with: "DBUser=ïam_üser")!,
        TokenLab.replacing("mydb", with: "例え")!,
        "🙂:5432/?\(query)",
        good + "\n",
        // Duplicates and broken fields.
        TokenLab.replacing("&DBUser=", with: "&DBUser=iam_user&DBUser=")!,
        TokenLab.replacing("Action=connect", with: "Action=connect&Act%69on=connect")!,
        TokenLab.replacing("&DBUser=", with: "&&DBUser=")!,
        good + "&",
        TokenLab.replacing("&DBUser=", with: "&flag&DBUser=")!,
        TokenLab.replacing("&DBUser=", with: "&=x&DBUser=")!,
        // Sizes.
        String(repeating: "A", count: 100_000),
        good + "&Junk=" + String(repeating: "x", count: 100_000),
        String(repeating: "%", count: 100_000),
        String(repeating: "&", count: 100_000),
        String(repeating: "/?", count: 50_000),
        // Signature, date and credential shapes.
        good.replacingOccurrences(of: TokenLab.signature(of: good)!, with: TokenLab.signature(of: good)!.uppercased()),
        String(good.dropLast()),
        good + "0",
        String(good.dropLast()) + "g",
        TokenLab.replacing("X-Amz-Date=20240115T123456Z", with: "X-Amz-Date=20240115T123456")!,
        TokenLab.replacing("X-Amz-Date=20240115T123456Z", with: "X-Amz-Date=20240230T123456Z")!,
        TokenLab.replacing("X-Amz-Date=20240115T123456Z", with: "X-Amz-Date=2024-01-15T12:34:56Z")!,
        TokenLab.replacing("AKIDEXAMPLE%2F", with: "")!,
        TokenLab.replacing("aws4_request", with: "aws4_request%2Fmore")!,
        TokenLab.replacing("X-Amz-Credential=AKIDEXAMPLE", with: "X-Amz-Credential=")!,
        TokenLab.replacing("aws4_request", with: "aws4_req")!,
        TokenLab.replacing("%2F20240115%2F", with: "%2F20240116%2F")!,
        // Missing fields.
        TokenLab.removing("Action"), TokenLab.removing("DBUser"), TokenLab.removing("X-Amz-Algorithm"),
        TokenLab.removing("X-Amz-Credential"), TokenLab.removing("X-Amz-Date"),
        TokenLab.removing("X-Amz-SignedHeaders"), TokenLab.removing("X-Amz-Signature"),
    ]

    @Test func garbageIsMalformed() {
        let verifier = TokenLab.verifier()
        for (index, token) in Self.garbage.enumerated() {
            let result = verifier.verify(token, expecting: TokenLab.expectation)
            guard case .failure(let rejection) = result else {
                Issue.record("garbage \(index) accepted")
                continue
            }
            #expect(rejection.code == .malformed, "garbage \(index): \(rejection)")
        }
    }

    /// Random edits of a good token: never a trap, and anything accepted is the same login.
    @Test func randomEditsNeverTrap() {
        var random = SplitMix64(seed: 0x5EED_7041_3E11)
        let verifier = TokenLab.verifier()
        let good = Array(TokenLab.token(credentials: TokenLab.temporary).utf8)
        let accepted = verifier.verify(String(decoding: good, as: UTF8.self), expecting: TokenLab.expectation)
        #expect((try? accepted.get()) != nil)
        for _ in 0..<3000 {
            var bytes = good
            for _ in 0...random.next(below: 3) {
                let position = random.next(below: bytes.count)
                switch random.next(below: 5) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next(below: 256)), at: position)
                case 2: bytes[position] = UInt8(truncatingIfNeeded: random.next(below: 256))
                case 3:
                    let slice = Array(bytes[position..<min(bytes.count, position + 20)])
                    bytes.insert(contentsOf: slice, at: position)
                default: bytes.removeSubrange(position...)
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "?")] }
            }
            let result = verifier.verify(String(decoding: bytes, as: UTF8.self), expecting: TokenLab.expectation)
            if case .success = result { #expect(result == accepted) }
        }
    }
}

/// A small seeded generator, so a failing edit can be replayed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
