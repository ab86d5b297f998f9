import Crypto

/// Stable identifiers derived from a name (the same lab gives the same ids on every run):
/// `AIDA…` user ids, `AROA…` role ids, `db-…` resource ids.
public enum MockIdentifiers {
    public static func stable(prefix: String, seed: String, length: Int = 17) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let digest = Array(SHA256.hash(data: Array(seed.utf8)))
        return prefix + String((0..<length).map { alphabet[Int(digest[$0 % digest.count]) % alphabet.count] })
    }
}
