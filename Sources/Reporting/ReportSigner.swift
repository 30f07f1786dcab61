// Ed25519 signing and verification of a report's files, with the provenance hashes they rest on.
public import Foundation
import Crypto

/// Signs a report's files and checks a signed report.
///
/// A signature binds together the SHA-256 of every file of the report, the SHA-256 of the recording it
/// was computed from, the run log's head hash and the report id (see ``SignedManifest``). It is Ed25519
/// (RFC 8032) through swift-crypto's `Curve25519.Signing`. Reading the files, and re-hashing the
/// recording against ``SignedManifest/recordingSHA256``, is the caller's part (`haechi verify`); this
/// type does no I/O.
public enum ReportSigner {
    /// A new key pair as text: the private key to keep secret, the public key to hand out.
    public static func generateKeyPair() -> (privatePEM: String, publicPEM: String) {
        let key = ReportSigningKey()
        return (key.pem, key.publicKey.pem)
    }

    /// Signs `files` (name → bytes) with the private key given as text.
    ///
    /// - Throws: ``ReportingError/Code/invalidKey`` if the key text cannot be read,
    ///   ``ReportingError/Code/invalidFileName`` if a name is not a plain file name.
    public static func sign(files: [String: Data], recordingSHA256: String, runLogHeadHash: String, reportID: String,
                            privateKey: String, planSHA256: String? = nil, labProfileSHA256: String? = nil, draft: Bool? = nil,
                            signer: (name: String, role: String, at: String)? = nil) throws(ReportingError) -> SignedManifest {
        try sign(files: files, recordingSHA256: recordingSHA256, runLogHeadHash: runLogHeadHash, reportID: reportID,
                 privateKey: ReportSigningKey(pem: privateKey), planSHA256: planSHA256, labProfileSHA256: labProfileSHA256,
                 draft: draft, signer: signer)
    }

    /// Signs `files` (name → bytes) with `privateKey`.
    ///
    /// - Throws: ``ReportingError/Code/invalidFileName`` if a name is not a plain file name (see
    ///   ``SignedManifest/isValidFileName(_:)``).
    /// - Complexity: O(total bytes), for the hashes.
    public static func sign(files: [String: Data], recordingSHA256: String, runLogHeadHash: String, reportID: String,
                            privateKey: ReportSigningKey, planSHA256: String? = nil, labProfileSHA256: String? = nil,
                            draft: Bool? = nil, signer: (name: String, role: String, at: String)? = nil) throws(ReportingError) -> SignedManifest {
        for name in files.keys.sorted() where !SignedManifest.isValidFileName(name) {
            throw ReportingError(code: .invalidFileName, message: "cannot sign '\(name)': give plain file names (no folders), "
                                 + "other than \(SignedManifest.fileName)")
        }
        let entries = files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
            SignedManifest.File(name: name, sha256: sha256Hex(files[name]!), bytes: files[name]!.count)
        }
        var manifest = SignedManifest(reportID: reportID, files: entries, recordingSHA256: recordingSHA256,
                                      runLogHeadHash: runLogHeadHash, publicKey: privateKey.publicKey.base64, signature: "")
        manifest.planSHA256 = planSHA256
        manifest.labProfileSHA256 = labProfileSHA256
        manifest.draft = draft
        manifest.signerName = signer?.name
        manifest.signerRole = signer?.role
        manifest.signedAt = signer?.at
        do {
            manifest.signature = try privateKey.key.signature(for: Data(manifest.canonicalSignedText.utf8)).base64EncodedString()
        } catch {
            throw ReportingError(code: .signingFailed, message: "Ed25519 signing failed", cause: error)
        }
        return manifest
    }

    /// Checks a signed report: the manifest's format, its signature over the canonical manifest, the
    /// signer against `trustedPublicKey` (PEM text or base64; `nil` accepts the manifest's own key, which
    /// proves integrity but not who signed), and each listed file's size and SHA-256 against `files`.
    /// A file in `files` that the manifest does not list (other than `report.signature.json`) is a
    /// problem too. The recording is not checked here.
    ///
    /// - Returns: Every problem found, in the order above; empty if the report verifies.
    /// - Complexity: O(total bytes), for the hashes.
    public static func verify(manifest: SignedManifest, files: [String: Data], trustedPublicKey: String?) -> [VerificationProblem] {
        var problems: [VerificationProblem] = []
        if manifest.format != SignedManifest.currentFormat {
            problems.append(VerificationProblem(code: .unsupportedFormat,
                                                message: "manifest format '\(manifest.format)' is not \(SignedManifest.currentFormat)"))
        }
        if manifest.algorithm != SignedManifest.ed25519 {
            problems.append(VerificationProblem(code: .unsupportedFormat,
                                                message: "signature algorithm '\(manifest.algorithm)' is not \(SignedManifest.ed25519)"))
        }

        // Who signed, and whether the signature holds.
        let signer = try? ReportVerifyingKey(text: manifest.publicKey)
        if signer == nil || manifest.publicKey.hasPrefix("-----") {
            problems.append(VerificationProblem(code: .unreadablePublicKey,
                                                message: "the manifest's publicKey is not the base64 of a 32-byte Ed25519 key"))
        }
        if let trustedPublicKey {
            do {
                let trusted = try ReportVerifyingKey(text: trustedPublicKey)
                if let signer, signer != trusted {
                    problems.append(VerificationProblem(code: .untrustedPublicKey,
                                                        message: "signed by key \(signer.fingerprint.prefix(16))…, not by the trusted key "
                                                            + "\(trusted.fingerprint.prefix(16))…"))
                }
            } catch {
                problems.append(VerificationProblem(code: .unreadableTrustedKey, message: "the trusted key cannot be read: \(error.message)"))
            }
        }
        if let signer {
            let signature = Data(base64Encoded: manifest.signature)
            if signature == nil || !signer.isValidSignature(signature!, for: Data(manifest.canonicalSignedText.utf8)) {
                problems.append(VerificationProblem(code: .badSignature,
                                                    message: "the signature does not match the manifest: the manifest or its signature was changed"))
            }
        }

        // Every listed file, byte for byte.
        var listed = Set<String>()
        for entry in manifest.files {
            guard SignedManifest.isValidFileName(entry.name) else {
                problems.append(VerificationProblem(code: .unsafeFileName, file: entry.name,
                                                    message: "the manifest lists a path or reserved name, not a plain file name"))
                continue
            }
            guard listed.insert(entry.name).inserted else {
                problems.append(VerificationProblem(code: .duplicateFile, file: entry.name, message: "listed more than once"))
                continue
            }
            guard let data = files[entry.name] else {
                problems.append(VerificationProblem(code: .missingFile, file: entry.name, message: "listed in the manifest but missing"))
                continue
            }
            let digest = sha256Hex(data)
            if digest != entry.sha256.lowercased() || data.count != entry.bytes {
                problems.append(VerificationProblem(code: .changedFile, file: entry.name,
                                                    message: "changed: SHA-256 \(digest) (\(data.count) bytes), signed as \(entry.sha256) "
                                                        + "(\(entry.bytes) bytes)"))
            }
        }
        for name in files.keys.sorted() where !listed.contains(name) && name != SignedManifest.fileName {
            problems.append(VerificationProblem(code: .unlistedFile, file: name, message: "present but not covered by the signature"))
        }
        return problems
    }

    /// SHA-256 of `data`, lower-case hex.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
