import Foundation
import NIOCore

/// One API request to the mock, parsed: which protocol, which action, its parameters.
public struct AWSCall: Sendable {
    public enum WireProtocol: Sendable, Equatable {
        /// Form-encoded POST, XML answers (STS, IAM, RDS).
        case query
        /// `X-Amz-Target`, JSON body and answers (Secrets Manager, Redshift Serverless).
        case json
    }

    public let wireProtocol: WireProtocol
    /// `AssumeRole`, `GetSecretValue`, …
    public let action: String
    /// Query protocol: the form fields (decoded), e.g. `Filters.Filter.1.Name`.
    public let parameters: [String: String]
    /// JSON protocol: the raw body.
    public let jsonBody: [UInt8]
    /// Who signed the request; nil for unsigned actions (AssumeRoleWithWebIdentity).
    public let caller: MockPrincipal?
    public let requestID: String

    public init(
        wireProtocol: WireProtocol, action: String, parameters: [String: String] = [:], jsonBody: [UInt8] = [],
        caller: MockPrincipal?, requestID: String = UUID().uuidString.lowercased()
    ) {
        self.wireProtocol = wireProtocol
        self.action = action
        self.parameters = parameters
        self.jsonBody = jsonBody
        self.caller = caller
        self.requestID = requestID
    }

    /// The JSON body decoded; a body that does not fit is AWS's `SerializationException`.
    public func decode<Body: Decodable>(_ type: Body.Type) throws(AWSServiceError) -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: Data(jsonBody.isEmpty ? Array("{}".utf8) : jsonBody))
        } catch {
            throw AWSServiceError(status: 400, code: "SerializationException", message: "The request body could not be parsed as \(Body.self)")
        }
    }

    /// A required query parameter.
    public func parameter(_ name: String) throws(AWSServiceError) -> String {
        guard let value = parameters[name], !value.isEmpty else { throw .missingParameter(name) }
        return value
    }

    /// Parses `application/x-www-form-urlencoded` (`+` is a space here, unlike in SigV4 paths).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// Numbered list members as the query protocol writes them: `Prefix.member.1`, `Prefix.member.2`, …
    public func list(_ prefix: String, member: String = "member") -> [String] {
        var values: [String] = []
        var index = 1
        while let value = parameters["\(prefix).\(member).\(index)"] {
            values.append(value)
            index += 1
        }
        return values
    }
}

/// What a service answers: a status and a body in the call's protocol.
public struct AWSReply: Sendable {
    public var status: Int
    public var contentType: String
    public var body: String
    public var headers: [(String, String)]

    public init(status: Int = 200, contentType: String, body: String, headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }
}
