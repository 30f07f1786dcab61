// The Ed25519 public key that checks report signatures.
public import Foundation
import Crypto

/// An Ed25519 public key that checks report signatures.
public struct ReportVerifyingKey: Sendable, Hashable {
    /// The 32 raw bytes (RFC 8032).
    public let rawRepresentation: Data

    init(raw: Data) {
        rawRepresentation = raw
    }

    /// Reads a key from its text (`-----BEGIN HAECHI ED25519 PUBLIC KEY-----` …) or, as it appears in a
    /// signature manifest, from the bare base64 of its 32 bytes.
    public init(text: String) throws(ReportingError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("-----") {
            self.init(raw: try HaechiKeyArmour.unarmour(trimmed, label: HaechiKeyArmour.publicLabel))
        } else {
            guard let raw = Data(base64Encoded: trimmed) else {
                throw ReportingError(code: .invalidKey, message: "a public key is its PEM text or the base64 of 32 bytes; this is neither")
            }
            guard raw.count == 32 else {
                throw ReportingError(code: .invalidKey, message: "an Ed25519 public key is 32 bytes; this one is \(raw.count)")
            }
            self.init(raw: raw)
        }
    }

    /// The key as text.
    public var pem: String { HaechiKeyArmour.armour(rawRepresentation, label: HaechiKeyArmour.publicLabel) }

    /// The base64 of the 32 bytes, as the manifest's `publicKey` holds it.
    public var base64: String { rawRepresentation.base64EncodedString() }

    /// SHA-256 of the 32 bytes, hex: a short-enough name to compare by eye or by phone.
    public var fingerprint: String { ReportSigner.sha256Hex(rawRepresentation) }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
