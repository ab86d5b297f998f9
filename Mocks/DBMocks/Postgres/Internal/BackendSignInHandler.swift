import NIOCore
import PostgresWire

/// The mock endpoint's side of the real backend while a client signs in: sends the client's
/// StartupMessage, holds what the backend answers (AuthenticationOk, ParameterStatus…,
/// BackendKeyData, ReadyForQuery) instead of relaying it, then asks the backend whether the
/// user is a member of `rds_iam`, which RDS requires of every user signing in with a token.
///
/// The answer is read live on every sign-in: a `GRANT rds_iam` takes effect for the next one.
/// Superusers are members of every role, so they pass as they would not on RDS (where nobody
/// is a superuser); the lab accepts that.
///
/// Removes itself from the pipeline before it completes `promise`, so whoever handles the
/// outcome can put a relay in its place.
final class BackendSignInHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Outcome: Sendable {
        /// The user may sign in: the backend's sign-in messages as it sent them, for the client.
        case member(signIn: ByteBuffer)
        case notMember
        /// The backend refused the sign-in itself (no such role or database…): its
        /// ErrorResponse as it sent it, for the client.
        case backendRefused(errorResponse: ByteBuffer, PostgresErrorFields)
        /// The backend did something a trusting PostgreSQL does not (asked for a password,
        /// failed the check query, closed the connection, broke the protocol).
        case failed(String)
    }

    /// True when the current user is a member of `rds_iam`; false when it is not or when the
    /// role does not exist (`pg_has_role` would fail on a missing role). Schema-qualified so a
    /// client's `search_path` cannot change what it means.
    static let membershipQuery = """
        select case when exists (select 1 from pg_catalog.pg_roles where rolname = 'rds_iam') \
        then pg_catalog.pg_has_role(current_user, 'rds_iam', 'member') else false end
        """

    private enum Phase {
        case signingIn
        case checkingMembership
        case finished
    }

    private let startup: StartupMessage
    private let promise: EventLoopPromise<Outcome>
    private var phase = Phase.signingIn
    private var startupSent = false
    private var buffer: ByteBuffer?
    private var held = ByteBuffer()
    private var member: Bool?
    private var checkError: PostgresErrorFields?

    init(startup: StartupMessage, promise: EventLoopPromise<Outcome>) {
        self.startup = startup
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendStartup(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendStartup(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // The pipeline is torn down (the channel closed) before any outcome: still answer.
        guard phase != .finished else { return }
        phase = .finished
        promise.succeed(.failed("the backend connection went away during sign-in"))
    }

    private func sendStartup(context: ChannelHandlerContext) {
        guard !startupSent else { return }
        startupSent = true
        var out = context.channel.allocator.buffer(capacity: 256)
        StartupPacket.startup(startup).encode(into: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffer == nil { buffer = bytes } else { buffer!.writeBuffer(&bytes) }
        do {
            try process(context: context)
        } catch {
            finish(.failed("the backend broke the protocol during sign-in: \(error)"), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
        finish(.failed("the backend closed the connection during sign-in"), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failed("the backend connection failed during sign-in: \(error)"), context: context)
    }

    private func process(context: ChannelHandlerContext) throws {
        while case .signingIn = phase, try next(context: context) {}
        while case .checkingMembership = phase, try next(context: context) {}
    }

    /// Handles one whole message; false when more bytes are needed.
    private func next(context: ChannelHandlerContext) throws -> Bool {
        guard let before = buffer else { return false }
        var current = before
        guard let message = try BackendMessage.decode(from: &current) else { return false }
        // The message as the backend sent it (what the decoder just read past).
        let raw = before.getSlice(at: before.readerIndex, length: current.readerIndex - before.readerIndex) ?? ByteBuffer()
        buffer = current
        switch phase {
        case .signingIn: signInMessage(message, raw: raw, context: context)
        case .checkingMembership: checkMessage(message, context: context)
        case .finished: break
        }
        return true
    }

    private func signInMessage(_ message: BackendMessage, raw: ByteBuffer, context: ChannelHandlerContext) {
        var raw = raw
        switch message {
        case .authentication(.ok), .parameterStatus, .backendKeyData, .noticeResponse, .other:
            held.writeBuffer(&raw)
        case .authentication(let method):
            finish(.failed("the backend asked for \(method.name) authentication; it must trust the mock endpoint"), context: context)
        case .errorResponse(let fields):
            finish(.backendRefused(errorResponse: raw, fields), context: context)
        case .readyForQuery:
            held.writeBuffer(&raw)
            phase = .checkingMembership
            var out = context.channel.allocator.buffer(capacity: Self.membershipQuery.utf8.count + 8)
            FrontendMessage.query(Self.membershipQuery).encode(into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        }
    }

    private func checkMessage(_ message: BackendMessage, context: ChannelHandlerContext) {
        switch message {
        case .other(let type, let body) where type == UInt8(ascii: "D"):
            member = Self.firstColumn(of: body) == "t"
        case .errorResponse(let fields):
            checkError = fields
        case .readyForQuery:
            if let checkError {
                finish(.failed("the rds_iam membership check failed: \(checkError.message ?? "no message")"), context: context)
            } else if member == true {
                // Anything the backend sent after its ReadyForQuery (a NOTICE, say) follows it.
                if var rest = buffer { held.writeBuffer(&rest) }
                buffer = nil
                finish(.member(signIn: held), context: context)
            } else {
                finish(.notMember, context: context)
            }
        default:
            // RowDescription, CommandComplete, notices: nothing to decide on.
            break
        }
    }

    /// The text of a DataRow's first column (nil when NULL or malformed).
    static func firstColumn(of body: ByteBuffer) -> String? {
        var body = body
        guard let count = body.readInteger(as: Int16.self), count >= 1,
              let length = body.readInteger(as: Int32.self), length >= 0
        else { return nil }
        return body.readString(length: Int(length))
    }

    private func finish(_ outcome: Outcome, context: ChannelHandlerContext) {
        guard phase != .finished else { return }
        phase = .finished
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        promise.succeed(outcome)
    }
}
