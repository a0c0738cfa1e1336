import Crypto

/// API key material: keys are random, shown once, and stored only as a SHA-256 hash.
public enum APIKeySecret {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A new key like `lp_3fK…` with 190 bits of entropy.
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        return "lp_" + String((0..<32).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// A secret that signs per-item callbacks (`whsec_…`), one per key.
    public static func callbackSecret() -> String { generate().replacingOccurrences(of: "lp_", with: "whsec_") }

    /// A fast hash is enough: keys are high-entropy, unlike passwords.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
