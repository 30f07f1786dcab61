// The range's signing key: where it lives (never beside the run log), and the checks before it is used.
public import Reporting
public import Foundation
public import TestbedConfiguration

/// The range's Ed25519 key, which signs every run-log entry, every draft report and every checkpoint.
///
/// It lives outside `Replays/`: `--key`, else `$HAECHI_RANGE_KEY`, else
/// `$XDG_CONFIG_HOME/haechi/range-signing.key` (`~/.config/haechi/…`). Whoever can rewrite the run log
/// and the recordings could otherwise re-sign them. Before it is used, the file must be owned by the
/// user running Haechi and closed to everyone else (mode 0600 or stricter, as ssh asks of its keys),
/// and must not sit in the run log's folder. The default key (or the one `$HAECHI_RANGE_KEY` names) is
/// made on first use (mode 0600, in a folder of mode 0700); a key given with `--key` is never made.
public enum RangeKey {
    /// The environment variable that names the key.
    public static let environmentVariable = "HAECHI_RANGE_KEY"

    /// The default key's path.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let named = environment[environmentVariable], !named.isEmpty { return named }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return ((config as NSString).appendingPathComponent("haechi") as NSString).appendingPathComponent("range-signing.key")
    }

    /// The key at `path` (or the default), checked; the default one is made if it does not exist yet.
    /// Returns the key and, when it was just made, its path.
    public static func load(path: String?, logPath: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(RuntimeError) -> (ReportSigningKey, String?) {
        let keyPath = path ?? defaultPath(environment: environment)
        try checkOutsideLog(keyPath: keyPath, logPath: logPath)
        guard FileManager.default.fileExists(atPath: keyPath) else {
            guard path == nil else {
                throw RuntimeError(code: .io, file: keyPath, message: "no such signing key (haechi keys generate --out \(keyPath) makes one)")
            }
            return (try KeysRunner.generate(privatePath: keyPath), keyPath)
        }
        return (try read(keyPath), nil)
    }

    /// Reads a private key after checking its owner and mode.
    public static func read(_ keyPath: String) throws(RuntimeError) -> ReportSigningKey {
        try checkPermissions(keyPath)
        guard let text = try? String(contentsOfFile: keyPath, encoding: .utf8) else {
            throw RuntimeError(code: .io, file: keyPath, message: "cannot read the signing key")
        }
        do { return try ReportSigningKey(pem: text) } catch {
            throw RuntimeError(code: .config, file: keyPath, message: "not a signing key: \(error.message)")
        }
    }

    /// The public key of the default (or named) range key, when its `.pub` or the key itself can be read:
    /// what `runs verify` trusts when given no `--key`.
    public static func publicKey(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> ReportVerifyingKey? {
        let keyPath = path ?? defaultPath(environment: environment)
        if let text = try? String(contentsOfFile: KeysRunner.publicKeyPath(for: keyPath), encoding: .utf8),
           let key = try? ReportVerifyingKey(text: text) {
            return key
        }
        return (try? read(keyPath))?.publicKey
    }

    /// A private key's file must belong to this user and be closed to group and others (the CURVE
    /// server key's too: `noun` names it, and `missing` is the error code of a file that is not there).
    public static func checkPermissions(_ keyPath: String, noun: String = "signing key", missing: RuntimeError.Code = .io,
                                        hint: String = "") throws(RuntimeError) {
        var info = stat()
        guard stat(keyPath, &info) == 0 else {
            throw RuntimeError(code: missing, file: keyPath, message: "cannot read the \(noun): \(String(cString: strerror(errno)))\(hint)")
        }
        if info.st_uid != geteuid() {
            throw RuntimeError(code: .config, file: keyPath, message: "the \(noun) belongs to another user (uid \(info.st_uid)): "
                               + "a private key must be its user's own")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw RuntimeError(code: .config, file: keyPath, message: "the \(noun) is open to others (mode \(String(mode, radix: 8))): "
                               + "chmod 600 \(keyPath)")
        }
    }

    /// A signing key may not sit in the run log's folder (or below it): with write access there, an
    /// attacker could rewrite the log and re-sign it.
    static func checkOutsideLog(keyPath: String, logPath: String) throws(RuntimeError) {
        func real(_ path: String) -> String {
            let absolute = URL(fileURLWithPath: path).standardized.path
            // The folder may not exist yet: resolve what does.
            return URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
        }
        let folder = real((logPath as NSString).deletingLastPathComponent.isEmpty ? "." : (logPath as NSString).deletingLastPathComponent)
        let key = real(keyPath)
        if key.hasPrefix(folder + "/") {
            throw RuntimeError(code: .config, file: keyPath, message: "a signing key may not live beside the run log (\(folder)): "
                               + "whoever can rewrite the log could re-sign it; keep it in ~/.config/haechi or give --key (docs/security.md)")
        }
    }
}
