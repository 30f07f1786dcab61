// The trust store of `haechi verify`: the officers' Ed25519 public keys a laboratory accepts.
import Reporting
import Foundation
public import TestbedConfiguration

/// The officers whose signatures a laboratory accepts: a folder of Ed25519 public keys (`*.pub`).
public struct TrustStore: Sendable {
    public var folder: String
    /// Each key's file name (`kim-jiwoo.pub`), by the key's base64.
    public var keys: [String: String]

    /// Reads every `*.pub` in `folder`. A folder that cannot be read, holds no key, or holds a file
    /// that is not a key is an error: a trust store that silently trusts nobody (or anything) is none.
    public static func load(folder: String) throws(RuntimeError) -> TrustStore {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw RuntimeError(code: .io, file: folder, message: "cannot read the trust store (a folder of officers' *.pub keys)")
        }
        var keys: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".pub") {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RuntimeError(code: .io, file: path, message: "cannot read the trusted key")
            }
            do { keys[try ReportVerifyingKey(text: text).base64] = name } catch {
                throw RuntimeError(code: .config, file: path, message: "not an Ed25519 public key: \(error.message)")
            }
        }
        guard !keys.isEmpty else { throw RuntimeError(code: .config, file: folder, message: "the trust store holds no *.pub key") }
        return TrustStore(folder: folder, keys: keys)
    }

    /// The trust store a laboratory profile names (`trust_store`).
    public static func load(labProfile path: String) throws(RuntimeError) -> TrustStore {
        let profile = try TestPlan.LabProfile.load(path: path)
        guard let folder = profile.trustStore else {
            throw RuntimeError(code: .config, file: path, field: "trust_store", message: "the laboratory profile names no trust store")
        }
        return try load(folder: folder)
    }
}
