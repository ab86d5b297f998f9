import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Plain HTTP answers of the non-API routes (instance metadata, container credentials, admin).
enum HTTPReply {
    static func text(_ status: HTTPResponse.Status, _ body: String, headers: [(String, String)] = []) -> Response {
        make(status, contentType: "text/plain", body: body, headers: headers)
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        make(status, contentType: "application/json", body: WireFormat.json(object))
    }

    private static func make(_ status: HTTPResponse.Status, contentType: String, body: String, headers: [(String, String)] = []) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func header(_ request: Request, _ name: String) -> String? {
        HTTPField.Name(name).flatMap { request.headers[$0] }
    }
}
