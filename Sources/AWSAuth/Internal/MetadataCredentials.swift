import Foundation

/// The JSON the ECS/EKS container endpoint and IMDS answer with:
/// `{"Code": "Success", "AccessKeyId", "SecretAccessKey", "Token", "Expiration", …}`.
enum MetadataCredentials {
    enum Reading: Equatable {
        case credentials(AWSCredentials)
        /// A JSON object without the four fields; `problem` names what is missing or says what
        /// the endpoint reported (`Code`/`Message`), never a value of the other fields.
        case incomplete(problem: String)
        case notJSON
    }

    static let requiredFields = ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"]

    static func read(_ body: [UInt8]) -> Reading {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return .notJSON }
        func string(_ key: String) -> String? { (object[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        let missing = requiredFields.filter { string($0) == nil }
        guard missing.isEmpty, let keyID = string("AccessKeyId"), let secret = string("SecretAccessKey"),
              let token = string("Token"), let expirationText = string("Expiration")
        else {
            if let code = string("Code"), code != "Success" {
                let message = string("Message").map { ": \($0.prefix(300))" } ?? ""
                return .incomplete(problem: "the endpoint reported \(code.prefix(100))\(message)")
            }
            return .incomplete(problem: "the JSON has no \(missing.joined(separator: ", "))")
        }
        guard let expiration = ISO8601Timestamp.parse(expirationText) else {
            return .incomplete(problem: "Expiration is not an ISO 8601 time")
        }
        return .credentials(AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration))
    }
}

/// Wall time for the reports (`1.0 s`).
extension Duration {
    var secondsText: String {
        let (seconds, attoseconds) = components
        let tenths = (Double(seconds) + Double(attoseconds) / 1e18) * 10
        return String(format: "%.1f s", tenths.rounded() / 10)
    }
}
