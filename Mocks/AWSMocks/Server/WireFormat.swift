import Foundation

/// Rendering answers in the two wire formats real SDKs parse.
public enum WireFormat {
    /// `<{Action}Response xmlns=…><{Action}Result>…</{Action}Result><ResponseMetadata>…`
    public static func queryResponse(action: String, namespace: String, result: String, requestID: String) -> AWSReply {
        let body = """
            <\(action)Response xmlns="\(namespace)">
              <\(action)Result>\(result)</\(action)Result>
              <ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata>
            </\(action)Response>
            """
        return AWSReply(contentType: "text/xml", body: body, headers: [("x-amzn-RequestId", requestID)])
    }

    /// A response with no Result element (e.g. PutUserPolicy).
    public static func queryEmptyResponse(action: String, namespace: String, requestID: String) -> AWSReply {
        let body = """
            <\(action)Response xmlns="\(namespace)">
              <ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata>
            </\(action)Response>
            """
        return AWSReply(contentType: "text/xml", body: body, headers: [("x-amzn-RequestId", requestID)])
    }

    public static func queryError(_ error: AWSServiceError, requestID: String) -> AWSReply {
        let body = """
            <ErrorResponse>
              <Error><Type>\(error.type)</Type><Code>\(escape(error.code))</Code><Message>\(escape(error.message))</Message></Error>
              <RequestId>\(requestID)</RequestId>
            </ErrorResponse>
            """
        return AWSReply(status: error.status, contentType: "text/xml", body: body, headers: [("x-amzn-RequestId", requestID)])
    }

    public static func jsonResponse(_ object: [String: Any], requestID: String) -> AWSReply {
        AWSReply(contentType: "application/x-amz-json-1.1", body: json(object), headers: [("x-amzn-RequestId", requestID)])
    }

    public static func jsonError(_ error: AWSServiceError, requestID: String) -> AWSReply {
        AWSReply(
            status: error.status, contentType: "application/x-amz-json-1.1",
            body: json(["__type": error.code, "Message": error.message]),
            headers: [("x-amzn-RequestId", requestID), ("x-amzn-ErrorType", error.code)]
        )
    }

    public static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// XML text escaping for element content.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `2026-11-21T12:00:00Z`, as AWS writes times in XML.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
