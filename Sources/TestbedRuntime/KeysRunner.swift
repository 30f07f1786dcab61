// `haechi keys generate`: an Ed25519 key pair, the private key never overwritten.
public import Reporting
import Foundation
public import TestbedConfiguration

/// `haechi keys generate`.
public enum KeysRunner {
    /// Makes an Ed25519 key pair: the private key at `privatePath` (mode 0600, never overwritten)
    /// and the public key beside it (`.pub`).
    @discardableResult
    public static func generate(privatePath: String) throws(RuntimeError) -> ReportSigningKey {
        let key = ReportSigningKey()
        try writeKeyPair(secret: key.pem, public: key.publicKey.pem, privatePath: privatePath)
        return key
    }

    /// Writes a key pair's texts: the secret at `privatePath` (mode 0600, never overwritten; a folder
    /// made for it is mode 0700) and the public beside it (`.pub`). Returns the public key's path.
    /// Ed25519 signing keys and CURVE keys alike.
    @discardableResult
    static func writeKeyPair(secret: String, public publicText: String, privatePath: String) throws(RuntimeError) -> String {
        let folder = (privatePath as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            // A folder made for a private key is its owner's alone.
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(privatePath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RuntimeError(code: .io, file: privatePath, message: "cannot create the key file: \(String(cString: strerror(errno)))"
                               + (errno == EEXIST ? " (a key is never overwritten)" : ""))
        }
        let bytes = Array(secret.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw RuntimeError(code: .io, file: privatePath, message: "cannot write the key") }
        let publicPath = publicKeyPath(for: privatePath)
        do { try Data(publicText.utf8).write(to: URL(fileURLWithPath: publicPath)) } catch {
            throw RuntimeError(code: .io, file: publicPath, message: "cannot write the public key: \(RuntimeError.reason(error))")
        }
        return publicPath
    }

    /// `x.key` → `x.pub`.
    public static func publicKeyPath(for privatePath: String) -> String {
        (privatePath.hasSuffix(".key") ? String(privatePath.dropLast(4)) : privatePath) + ".pub"
    }
}
