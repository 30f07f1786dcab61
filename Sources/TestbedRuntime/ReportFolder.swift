// A signed report's folder as it is on disk, for `haechi sign` and `haechi verify`: its manifest and files.
import Reporting
import Foundation
import TestbedConfiguration

/// A report folder as it is on disk: its manifest, and every regular file beside it.
struct ReportFolder {
    static let publicKeyName = "report-signing.pub"

    var directory: String
    var manifest: SignedManifest
    /// Every regular file of the folder but the manifest, by name.
    var files: [String: Data]

    /// Reads `directory`. A folder without a manifest is an error; an unreadable one is a problem
    /// (`manifestProblem`), so that `verify` can say so rather than stop.
    static func read(_ directory: String) throws(RuntimeError) -> Result<ReportFolder, RuntimeError> {
        let manifestPath = (directory as NSString).appendingPathComponent(SignedManifest.fileName)
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw RuntimeError(code: .io, file: manifestPath, message: "no signature manifest: not a signed report folder")
        }
        let manifest: SignedManifest
        do { manifest = try SignedManifest(jsonData: manifestData) } catch {
            return .failure(RuntimeError(code: .io, file: manifestPath, message: "the manifest is not readable: \(error.message)"))
        }
        var files: [String: Data] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name != SignedManifest.fileName {
            let path = (directory as NSString).appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            // A folder is content the signature does not cover: listed as an unlisted entry.
            files[name] = isFolder.boolValue ? Data() : (FileManager.default.contents(atPath: path) ?? Data())
        }
        return .success(ReportFolder(directory: directory, manifest: manifest, files: files))
    }

    /// The files the signature must cover: all but the signer's public key beside it, which is a
    /// convenience copy (trust comes from the trust store) and is checked to be the signer's.
    func coveredFiles() -> (files: [String: Data], problems: [String]) {
        var covered = files
        var problems: [String] = []
        if let bytes = covered.removeValue(forKey: Self.publicKeyName) {
            let key = try? ReportVerifyingKey(text: String(decoding: bytes, as: UTF8.self))
            if key?.base64 != manifest.publicKey {
                problems.append("\(Self.publicKeyName): not the public key that signed the manifest")
            }
        }
        return (covered, problems)
    }
}
