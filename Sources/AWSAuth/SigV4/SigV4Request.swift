/// The parts of an HTTP request that SigV4 signs.
///
/// `path` and the query fields are *decoded* text (`/example space/`, `DBUser=a b`): the signer
/// does the encoding, once, exactly as the canonical request needs it.
public struct SigV4Request: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String,
        path: String = "/",
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
