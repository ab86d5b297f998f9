import Foundation
import Testing
@testable import AWSAuth

/// Every case of the AWS signing test suite (aws-c-auth's `v4` folder, Apache-2.0, copied with
/// its LICENSE and NOTICE into Fixtures/aws-signing-test-suite): canonical request, string to
/// sign, signature and the signed request, in the header form and the presigned-query form.
/// No case is skipped.
@Suite("AWS SigV4 signing test suite")
struct SigV4TestSuiteTests {
    static let suiteDirectory = Fixtures.url("aws-signing-test-suite/v4")

    static let caseNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: suiteDirectory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }()

    @Test func suiteHasAllThirtyEightCases() {
        #expect(Self.caseNames.count == 38)
    }

    @Test("header form matches", arguments: caseNames)
    func headerFormMatchesSuite(_ name: String) throws {
        let testCase = try SuiteCase(name: name)
        let signed = testCase.signer.signHeaders(testCase.request.sigV4Request, date: testCase.context.date)
        #expect(signed.signature.canonicalRequest == (try testCase.file("header-canonical-request.txt")))
        #expect(signed.signature.stringToSign == (try testCase.file("header-string-to-sign.txt")))
        #expect(signed.signature.signature == (try testCase.file("header-signature.txt")))
        let rendered = testCase.request.rendered(
            target: testCase.request.target, extraHeaders: signed.headersToAdd
        )
        #expect(rendered == (try testCase.file("header-signed-request.txt")))
    }

    @Test("query form matches", arguments: caseNames)
    func queryFormMatchesSuite(_ name: String) throws {
        let testCase = try SuiteCase(name: name)
        let presigned = testCase.signer.presign(
            testCase.request.sigV4Request, date: testCase.context.date, expires: testCase.context.expirationInSeconds
        )
        #expect(presigned.signature.canonicalRequest == (try testCase.file("query-canonical-request.txt")))
        #expect(presigned.signature.stringToSign == (try testCase.file("query-string-to-sign.txt")))
        #expect(presigned.signature.signature == (try testCase.file("query-signature.txt")))
        // The CRT's parameter order in the URL: algorithm, credential, date, signed headers,
        // expires, token, signature (the canonical query is sorted; the URL is not).
        var parameters = [
            ("X-Amz-Algorithm", SigV4Signer.algorithm),
            ("X-Amz-Credential", presigned.credential),
            ("X-Amz-Date", presigned.signature.amzDate),
            ("X-Amz-SignedHeaders", presigned.signature.signedHeaders),
            ("X-Amz-Expires", String(presigned.expires)),
        ]
        if let token = presigned.securityToken { parameters.append(("X-Amz-Security-Token", token)) }
        parameters.append(("X-Amz-Signature", presigned.signature.signature))
        let added = parameters.map { "\($0.0)=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
        let query = testCase.request.rawQuery.map { $0 + "&" + added } ?? added
        let rendered = testCase.request.rendered(target: testCase.request.rawPath + "?" + query, extraHeaders: [])
        #expect(rendered == (try testCase.file("query-signed-request.txt")))
    }
}

/// One folder of the suite.
private struct SuiteCase {
    struct Context: Decodable {
        struct Credentials: Decodable {
            let accessKeyID: String
            let secretAccessKey: String
            let token: String?
            enum CodingKeys: String, CodingKey {
                case accessKeyID = "access_key_id", secretAccessKey = "secret_access_key", token
            }
        }
        let credentials: Credentials
        let expirationInSeconds: Int
        let normalize: Bool
        let region: String
        let service: String
        let signBody: Bool
        let timestamp: String
        let omitSessionToken: Bool?
        enum CodingKeys: String, CodingKey {
            case credentials, normalize, region, service, timestamp
            case expirationInSeconds = "expiration_in_seconds", signBody = "sign_body"
            case omitSessionToken = "omit_session_token"
        }
        var date: Date { ISO8601DateFormatter().date(from: timestamp)! }
    }

    let directory: URL
    let context: Context
    let request: RawRequest

    init(name: String) throws {
        directory = SigV4TestSuiteTests.suiteDirectory.appendingPathComponent(name)
        context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: directory.appendingPathComponent("context.json")))
        request = try RawRequest(parsing: String(contentsOf: directory.appendingPathComponent("request.txt"), encoding: .utf8))
    }

    func file(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    var signer: SigV4Signer {
        var signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: context.credentials.accessKeyID,
                secretAccessKey: context.credentials.secretAccessKey,
                sessionToken: context.credentials.token
            ),
            region: context.region, service: context.service, keyCache: SigningKeyCache()
        )
        signer.normalizePath = context.normalize
        signer.addContentSHA256Header = context.signBody
        signer.omitSessionTokenFromSignature = context.omitSessionToken ?? false
        return signer
    }
}

/// An HTTP/1.1 request as the suite writes it: request line, `Name:value` headers (folded
/// continuation lines kept), a blank line, the body.
private struct RawRequest {
    let method: String
    let target: String
    let rawPath: String
    let rawQuery: String?
    /// Each header's original text lines, and its name and unfolded value.
    let headerLines: [String]
    let headers: [(name: String, value: String)]
    let body: String

    init(parsing text: String) throws {
        let (head, body) = text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) }
            ?? (text.hasSuffix("\n") ? String(text.dropLast()) : text, "")
        self.body = body
        var lines = head.components(separatedBy: "\n")
        let requestLine = lines.removeFirst().split(separator: " ", maxSplits: 1)
        method = String(requestLine[0])
        let rest = requestLine[1]
        target = String(rest[..<rest.range(of: " HTTP/1.1", options: .backwards)!.lowerBound])
        if let question = target.firstIndex(of: "?") {
            rawPath = String(target[..<question])
            rawQuery = String(target[target.index(after: question)...])
        } else {
            rawPath = target
            rawQuery = nil
        }
        var headerLines: [String] = []
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headerLines[headerLines.count - 1] += "\n" + line
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headerLines.append(line)
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            } else {
                struct MalformedHeader: Error { let line: String }
                throw MalformedHeader(line: line)
            }
        }
        self.headerLines = headerLines
        self.headers = headers
    }

    var sigV4Request: SigV4Request {
        let query: [(name: String, value: String)] = (rawQuery ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (URIEncoding.decode(parts[0]) ?? "", parts.count > 1 ? URIEncoding.decode(parts[1]) ?? "" : "")
        }
        return SigV4Request(method: method, path: rawPath, query: query, headers: headers, body: Array(body.utf8))
    }

    func rendered(target: String, extraHeaders: [(name: String, value: String)]) -> String {
        var lines = ["\(method) \(target) HTTP/1.1"] + headerLines
        lines += extraHeaders.map { "\($0.name):\($0.value)" }
        return lines.joined(separator: "\n") + "\n\n" + body
    }
}
