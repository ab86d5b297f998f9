import Crypto
import Synchronization

/// Derived SigV4 signing keys, by (secret, day, region, service).
///
/// Deriving a key is four HMACs; a key is good for a whole UTC day, so a tunnel that signs a
/// token per connection derives it once a day per region. The cache is small and bounded:
/// when full it starts over, which costs one derivation per entry and keeps memory flat.
public final class SigningKeyCache: Sendable {
    struct Key: Hashable {
        let secret: String
        let day: Substring
        let region: String
        let service: String
    }

    /// Shared by every signer that is not given its own cache.
    public static let shared = SigningKeyCache()

    private let entries = Mutex<[Key: SymmetricKey]>([:])
    private let capacity: Int

    public init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
    }

    /// Number of keys held now (for tests and metrics).
    public var count: Int { entries.withLock { $0.count } }

    func key(secret: String, day: Substring, region: String, service: String) -> SymmetricKey {
        let cacheKey = Key(secret: secret, day: day, region: region, service: service)
        if let hit = entries.withLock({ $0[cacheKey] }) { return hit }
        let derived = Self.derive(secret: secret, day: day, region: region, service: service)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[cacheKey] = derived
        }
        return derived
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")
    static func derive(secret: String, day: Substring, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [String(day), region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }
}
