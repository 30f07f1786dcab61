// The text form of Haechi's Ed25519 keys: armour lines around the base64 of the 32 raw bytes.
import Foundation

/// The text form of Haechi's Ed25519 keys: a PEM-like armour around the base64 of the key's 32 raw
/// bytes (the private key's seed, or the public key's point, as RFC 8032 defines them).
///
/// ```
/// -----BEGIN HAECHI ED25519 PRIVATE KEY-----
/// 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60 (as base64, 44 characters)
/// -----END HAECHI ED25519 PRIVATE KEY-----
/// ```
///
/// It is not PKCS#8 or SubjectPublicKeyInfo DER: the raw 32 bytes are what swift-crypto's
/// `Curve25519.Signing` reads and writes, and any Ed25519 library can use them. Lines end with `\n`;
/// reading accepts `\r\n` and surrounding whitespace.
enum HaechiKeyArmour {
    static let privateLabel = "HAECHI ED25519 PRIVATE KEY"
    static let publicLabel = "HAECHI ED25519 PUBLIC KEY"

    static func armour(_ raw: Data, label: String) -> String {
        "-----BEGIN \(label)-----\n\(raw.base64EncodedString())\n-----END \(label)-----\n"
    }

    /// The 32 raw bytes inside `text`, which must carry `label`.
    static func unarmour(_ text: String, label: String) throws(ReportingError) -> Data {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first, let last = lines.last, lines.count >= 3 else {
            throw ReportingError(code: .invalidKey, message: "not a Haechi Ed25519 key: expected a '-----BEGIN \(label)-----' line, "
                                 + "the base64 key and an END line")
        }
        guard first == "-----BEGIN \(label)-----", last == "-----END \(label)-----" else {
            let other = label == privateLabel ? publicLabel : privateLabel
            if first == "-----BEGIN \(other)-----" {
                throw ReportingError(code: .invalidKey, message: label == privateLabel
                    ? "this is a public key; signing needs the private key file from `haechi keys generate`"
                    : "this is a private key; give the public key here (never hand out the private key)")
            }
            if first.hasPrefix("-----BEGIN ") {
                throw ReportingError(code: .invalidKey, message: "unsupported key format '\(first)': Haechi reads only its own "
                                     + "'\(label)' text (make a pair with `haechi keys generate`)")
            }
            throw ReportingError(code: .invalidKey, message: "not a Haechi Ed25519 key: the first line must be '-----BEGIN \(label)-----' "
                                 + "and the last '-----END \(label)-----'")
        }
        let body = lines.dropFirst().dropLast().joined()
        guard let raw = Data(base64Encoded: body) else {
            throw ReportingError(code: .invalidKey, message: "the key's body is not valid base64")
        }
        guard raw.count == 32 else {
            throw ReportingError(code: .invalidKey, message: "an Ed25519 key is 32 bytes; this one is \(raw.count)")
        }
        return raw
    }
}
