// The Ed25519 private key that signs reports.
import Foundation
public import Crypto

/// An Ed25519 private key that signs reports. Keep its text (``pem``) secret, in a file readable only
/// by its owner.
public struct ReportSigningKey: Sendable {
    /// The 32-byte seed. Kept as bytes, not as swift-crypto's key, which is not `Sendable` on every
    /// platform; the key is rebuilt from it for each signature.
    private let seed: Data

    /// A new random key.
    public init() {
        seed = Curve25519.Signing.PrivateKey().rawRepresentation
    }

    /// The key, as swift-crypto holds it (the run log signs its entries with it).
    public var key: Curve25519.Signing.PrivateKey {
        // The seed was accepted by this same initialiser when the value was made.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// Reads a key from its text (`-----BEGIN HAECHI ED25519 PRIVATE KEY-----` …).
    public init(pem: String) throws(ReportingError) {
        let raw = try HaechiKeyArmour.unarmour(pem, label: HaechiKeyArmour.privateLabel)
        do {
            seed = try Curve25519.Signing.PrivateKey(rawRepresentation: raw).rawRepresentation
        } catch {
            throw ReportingError(code: .invalidKey, message: "swift-crypto rejected the private key", cause: error)
        }
    }

    /// The key as text.
    public var pem: String { HaechiKeyArmour.armour(key.rawRepresentation, label: HaechiKeyArmour.privateLabel) }

    /// Its public key.
    public var publicKey: ReportVerifyingKey { ReportVerifyingKey(raw: key.publicKey.rawRepresentation) }
}
