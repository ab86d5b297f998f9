import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The mock AWS listener on 127.0.0.1: every query-protocol and JSON 1.1 service on `POST /`,
/// routed as AWS routes (X-Amz-Target, then the SigV4 credential scope), every request's
/// signature verified; plus the plain HTTP routes of IMDS and ECS.
public final class MockAWSServer: Sendable {
    public let world: MockAWSWorld
    private let services: [any MockAWSService]
    private let routes: [any MockHTTPRoutes]
    private let host: String
    private let requestedPort: Int
    private let logger: Logger
    private let running = Mutex<(task: Task<Void, any Error>, port: Int)?>(nil)

    public init(
        world: MockAWSWorld, services: [any MockAWSService], routes: [any MockHTTPRoutes] = [],
        host: String = "127.0.0.1", port: Int = 0, logger: Logger
    ) {
        self.world = world
        self.services = services
        self.routes = routes
        self.host = host
        self.requestedPort = port
        self.logger = logger
    }

    /// The largest request body accepted (policy documents are at most 10 KB; secrets 64 KB).
    static let maxBodySize = 1 << 20

    /// Starts listening; returns the port.
    @discardableResult
    public func start() async throws -> Int {
        let router = Router()
        let dispatcher = Dispatcher(world: world, services: services, logger: logger)
        router.post("/") { request, _ in await dispatcher.respond(to: request) }
        for routeProvider in routes { routeProvider.addRoutes(to: router) }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: "dbtunnel-mock-aws"),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        running.withLock { $0 = (task, port) }
        return port
    }

    public var port: Int? { running.withLock { $0?.port } }

    /// `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL` is set to.
    public var endpointURL: String? { port.map { "http://\(host):\($0)" } }

    public func stop() async {
        let task = running.withLock { state -> Task<Void, any Error>? in
            defer { state = nil }
            return state?.task
        }
        task?.cancel()
        _ = await task?.result
    }
}

/// Turns one HTTP request into a verified `AWSCall`, runs it, renders the answer or the error.
struct Dispatcher: Sendable {
    let world: MockAWSWorld
    let services: [any MockAWSService]
    let logger: Logger

    func respond(to request: Request) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        let target = request.headers[.init("x-amz-target")!]
        let wire: AWSCall.WireProtocol = target == nil ? .query : .json
        do {
            let body = try await request.body.collect(upTo: MockAWSServer.maxBodySize)
            let bytes = Array(body.readableBytesView)
            let reply = try await dispatch(request, target: target, body: bytes, requestID: requestID)
            return Self.response(reply)
        } catch let error as AWSServiceError {
            logger.debug("mock AWS: \(error.code): \(error.message)")
            return Self.response(wire == .json
                ? WireFormat.jsonError(error.jsonEquivalent, requestID: requestID)
                : WireFormat.queryError(error, requestID: requestID))
        } catch {
            let failure = AWSServiceError(status: 413, code: "RequestEntityTooLarge", message: "Request body is too large or unreadable")
            return Self.response(WireFormat.queryError(failure, requestID: requestID))
        }
    }

    private func dispatch(_ request: Request, target: String?, body: [UInt8], requestID: String) async throws -> AWSReply {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + "," + field.value } ?? field.value
        }
        // swift-http-types keeps Host as the request's authority, not as a header field.
        if headers["host"] == nil, let authority = request.head.authority { headers["host"] = authority }
        let signed = SigV4RequestVerifier.SignedRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers, body: body
        )
        let service: any MockAWSService, action: String, parameters: [String: String]
        if let target {
            let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let found = services.first(where: { $0.targetPrefix == parts[0] }) else {
                throw AWSServiceError(status: 400, code: "UnknownOperationException", message: "Unknown operation \(target)")
            }
            (service, action, parameters) = (found, parts[1], [:])
        } else {
            parameters = AWSCall.formFields(String(decoding: body, as: UTF8.self))
            guard let name = parameters["Action"], !name.isEmpty else {
                throw AWSServiceError(status: 400, code: "MissingAction", message: "Missing Action")
            }
            let scopeService = headers["authorization"].flatMap(SigV4RequestVerifier.parseAuthorization)?.service
            guard let found = services.first(where: { $0.signingName == scopeService })
                ?? services.first(where: { $0.unsignedActions.contains(name) })
            else {
                throw scopeService == nil ? AWSServiceError.missingAuthentication : AWSServiceError.invalidAction(name)
            }
            (service, action) = (found, name)
        }
        var caller: MockPrincipal?
        if !service.unsignedActions.contains(action) {
            switch SigV4RequestVerifier(world: world).verify(signed) {
            case .success(let (principal, authorization)):
                guard authorization.service == service.signingName else { throw AWSServiceError.signatureDoesNotMatch }
                caller = principal
            case .failure(let error):
                throw error
            }
        }
        let call = AWSCall(
            wireProtocol: target == nil ? .query : .json, action: action, parameters: parameters,
            jsonBody: target == nil ? [] : body, caller: caller, requestID: requestID
        )
        logger.debug("mock AWS: \(service.signingName):\(action) by \(caller?.arn ?? "anonymous")")
        return try await service.handle(call)
    }

    static func response(_ reply: AWSReply) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = reply.contentType
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: .init(code: reply.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: reply.body))
        )
    }
}
