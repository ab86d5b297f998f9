import Foundation
import Hummingbird

/// Scenario controls, unsigned, for the lab's own use:
/// - `POST /_mock/imds` `{"mode": "normal|hopLimit1|v1Disabled|noRole|slow", "delayMilliseconds": 1500, "tokensRequired": false}`
/// - `POST /_mock/clock` `{"advanceSeconds": 900}`
/// - `POST /_mock/reset`
/// Answers `{"ok": true, …}`, or 400 `{"__type": "ValidationException", "Message": …}`.
struct MockAdminRoutes: MockHTTPRoutes {
    let lab: MockAWSLab
    /// Admin bodies are a few fields.
    static let maxBodySize = 16 * 1024

    struct IMDSUpdate: Decodable {
        let mode: String?
        let delayMilliseconds: Int?
        let tokensRequired: Bool?
        let roleArn: String?
    }

    struct ClockUpdate: Decodable {
        let advanceSeconds: Double
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/_mock/imds") { request, _ in
            await Self.handle(request, IMDSUpdate.self) { update throws(AWSServiceError) in try self.updateIMDS(update) }
        }
        router.post("/_mock/clock") { request, _ in
            await Self.handle(request, ClockUpdate.self) { update throws(AWSServiceError) in
                guard update.advanceSeconds.isFinite, abs(update.advanceSeconds) <= 366 * 86_400 else {
                    throw .validation("advanceSeconds must be a number of seconds within a year")
                }
                self.lab.world.advanceClock(by: update.advanceSeconds)
                return ["ok": true, "now": WireFormat.timestamp(self.lab.world.now)]
            }
        }
        router.post("/_mock/reset") { _, _ in
            lab.reset()
            return HTTPReply.json(.ok, ["ok": true])
        }
    }

    func updateIMDS(_ update: IMDSUpdate) throws(AWSServiceError) -> [String: Any] {
        var mode: MockInstanceMetadata.Mode?
        if let name = update.mode {
            guard let parsed = MockInstanceMetadata.Mode(name: name) else {
                throw .validation("mode must be one of \(MockInstanceMetadata.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            mode = parsed
        }
        if let delay = update.delayMilliseconds, !(0...30_000).contains(delay) {
            throw .validation("delayMilliseconds must be from 0 to 30000")
        }
        lab.instanceMetadata.update { configuration in
            if let mode { configuration.mode = mode }
            if let delay = update.delayMilliseconds { configuration.delay = .milliseconds(delay) }
            if let required = update.tokensRequired { configuration.tokensRequired = required }
            if let role = update.roleArn { configuration.roleARN = role.isEmpty ? nil : role }
        }
        let configuration = lab.instanceMetadata.configuration
        return ["ok": true, "mode": configuration.mode.rawValue, "tokensRequired": configuration.tokensRequired]
    }

    /// Reads and decodes the body; any failure is a 400 (413 when too large) in JSON, never a crash.
    static func handle<Body: Decodable>(
        _ request: Request, _ type: Body.Type, _ apply: (Body) throws(AWSServiceError) -> [String: Any]
    ) async -> Response {
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: maxBodySize).readableBytesView)
        } catch {
            return HTTPReply.json(.contentTooLarge, ["__type": "RequestEntityTooLarge", "Message": "The body is larger than \(maxBodySize) bytes"])
        }
        do throws(AWSServiceError) {
            let body = try AWSCall(wireProtocol: .json, action: "admin", jsonBody: bytes, caller: nil).decode(Body.self)
            return HTTPReply.json(.ok, try apply(body))
        } catch {
            return HTTPReply.json(.badRequest, ["__type": error.code, "Message": error.message])
        }
    }
}
