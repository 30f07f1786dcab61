// CURVE key files: made by `haechi keys generate --curve`, read (and checked) when a live run starts.
import TelemetryIngest
import ZeroMQIngest
import TransportSettings
import ZeroMQ
import Foundation
public import TestbedConfiguration

/// CurveZMQ key pairs as files: the secret key (Z85, one line, mode 0600, never overwritten, never
/// in a recording folder) and its public key beside it (`.pub`). A CURVE endpoint's configuration
/// names its server's secret key file (`curve.server_key`); the run reads it at start, never at a
/// replay, and the recording keeps only the path.
public enum CurveKeys {
    /// Makes a key pair: the secret key at `secretPath`, the public key beside it (`x.key` → `x.pub`).
    /// - Returns: the public key (Z85) and the public key's file.
    @discardableResult
    public static func generate(secretPath: String) throws(RuntimeError) -> (publicKey: String, publicPath: String) {
        try checkOutsideRecordings(secretPath, recordDirectory: SessionFiles.defaultDirectory)
        let pair: ZMQCurveKeyPair
        do { pair = try ZMQCurveKeyPair.generate() } catch {
            throw RuntimeError(code: .io, file: secretPath, message: "cannot make a CURVE key pair: \(error.message)")
        }
        let publicPath = try KeysRunner.writeKeyPair(secret: pair.secretKey + "\n", public: pair.publicKey + "\n", privatePath: secretPath)
        return (pair.publicKey, publicPath)
    }

    /// `settings` with every CURVE endpoint's server secret key read from its file, checked: owned by
    /// this user, closed to group and others, outside `recordDirectory` (and any `Replays` folder), a
    /// valid key.
    static func loadServerKeys(_ settings: IngestSettings, recordDirectory: String?) throws(RuntimeError) -> IngestSettings {
        var settings = settings
        for index in settings.endpoints.indices {
            guard var curve = settings.endpoints[index].curve else { continue }
            curve.serverSecretKey = try readSecretKey(curve.serverKeyFile, recordDirectory: recordDirectory)
            settings.endpoints[index].curve = curve
        }
        return settings
    }

    /// Reads a secret key file after checking where it is, its owner and its mode.
    static func readSecretKey(_ path: String, recordDirectory: String?) throws(RuntimeError) -> String {
        try checkOutsideRecordings(path, recordDirectory: recordDirectory)
        try RangeKey.checkPermissions(path, noun: "CURVE server key", missing: .config,
                                      hint: " (haechi keys generate --curve --out \(path) makes one)")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeError(code: .config, file: path, message: "cannot read the CURVE server key")
        }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard ZMQCurveKeyPair.isKey(key), (try? ZMQCurveKeyPair(secretKey: key)) != nil else {
            throw RuntimeError(code: .config, file: path, message: "not a CURVE secret key: expected 40 characters of Z85 "
                               + "(haechi keys generate --curve)")
        }
        return key
    }

    /// A secret key never sits in a recording folder (`Replays/`, or the run's record folder): whoever
    /// can read recordings there could then act as the range.
    static func checkOutsideRecordings(_ path: String, recordDirectory: String?) throws(RuntimeError) {
        func real(_ path: String) -> String {
            URL(fileURLWithPath: URL(fileURLWithPath: path).standardized.path).resolvingSymlinksInPath().path
        }
        let key = real(path)
        let inRecordings = key.split(separator: "/").dropLast().contains { $0 == Substring(SessionFiles.defaultDirectory) }
            || recordDirectory.map { key.hasPrefix(real($0) + "/") } == true
        if inRecordings {
            throw RuntimeError(code: .config, file: path, message: "a CURVE secret key may not live in a recording folder "
                               + "(Replays/ or --record-dir): keep it in ~/.config/haechi (docs/security.md)")
        }
    }
}
