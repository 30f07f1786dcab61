// The `archive:` section of the config: where the shared archive and the recordings store are.
public import Foundation
import Yams

/// The shared archive's settings (docs/config.md, `archive`; docs/archive.md).
///
/// The password never sits in the config: it comes from the environment variable `password_env`
/// names, or the file `password_file` names, or else from libpq's own `PGPASSWORD` and `~/.pgpass`.
public struct ArchiveSettings: Sendable, Hashable {
    /// A libpq connection URL or `key=value` string, without a password.
    public var url: String
    /// Where the password comes from, if the config says.
    public var passwordEnvironment: String?
    public var passwordFile: String?
    /// The shared recordings store (a folder; relative paths are the config file's).
    public var store: String?
    /// This range's name (its own chain in the archive), and its site.
    public var range: String?
    public var site: String?

    public init(url: String, passwordEnvironment: String? = nil, passwordFile: String? = nil, store: String? = nil,
                range: String? = nil, site: String? = nil) {
        self.url = url
        self.passwordEnvironment = passwordEnvironment
        self.passwordFile = passwordFile
        self.store = store
        self.range = range
        self.site = site
    }

    /// Reads the `archive:` section of the config file at `path`; the file's other sections are not
    /// read, so a worker's or an auditor's config can hold `archive:` alone.
    public static func load(path: String) throws(RuntimeError) -> ArchiveSettings {
        let root = try ConfigNode.root(yaml: ConfigNode.text(ofFile: path, noun: "config file"), file: path)
        guard root.node.mapping != nil else { throw root.error("expected a mapping") }
        guard let node = root.optional("archive") else {
            throw RuntimeError(code: .config, file: path, field: "archive", message: "no archive section: the archive commands need one (docs/config.md)")
        }
        return try parse(node, file: path)
    }

    static func parse(_ section: ConfigNode, file: String) throws(RuntimeError) -> ArchiveSettings {
        let node = try section.mapping(allowing: ["url", "password_env", "password_file", "store", "range", "site"])
        let urlNode = try node.required("url")
        let url = try urlNode.string()
        if containsPassword(url) {
            throw urlNode.error("the URL holds a password: keep it out of the config (password_env or password_file, or ~/.pgpass)")
        }
        var settings = ArchiveSettings(url: url)
        settings.passwordEnvironment = try node.optional("password_env")?.string()
        settings.passwordFile = try node.optional("password_file").map { n throws(RuntimeError) in relative(try n.string(), to: file) }
        if settings.passwordEnvironment != nil, settings.passwordFile != nil {
            throw node.error("give password_env or password_file, not both")
        }
        settings.store = try node.optional("store").map { n throws(RuntimeError) in relative(try n.string(), to: file) }
        if let rangeNode = node.optional("range") {
            let range = try rangeNode.string()
            guard !range.isEmpty, range.count <= 64, range.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw rangeNode.error("a range's name is 1 to 64 letters, digits, '-', '_' or '.'")
            }
            settings.range = range
        }
        settings.site = try node.optional("site")?.string()
        return settings
    }

    /// The password the config points to, or `nil` to leave it to libpq (`PGPASSWORD`, `~/.pgpass`).
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) throws(RuntimeError) -> String? {
        if let name = passwordEnvironment {
            guard let value = environment[name] else {
                throw RuntimeError(code: .config, field: "archive.password_env", message: "the environment variable \(name) is not set")
            }
            return value
        }
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw RuntimeError(code: .config, file: passwordFile, field: "archive.password_file", message: "cannot read the password file")
            }
            return String(text.split(whereSeparator: \.isNewline).first ?? "")
        }
        return nil
    }

    /// Whether a libpq URL (`postgresql://user:secret@host`) or key=value string (`password=secret`)
    /// carries a password.
    static func containsPassword(_ url: String) -> Bool {
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
            if let query = rest.firstIndex(of: "?"), rest[query...].range(of: "password=", options: .caseInsensitive) != nil { return true }
            return false
        }
        return url.range(of: #"(^|\s)password\s*="#, options: [.regularExpression, .caseInsensitive]) != nil
    }

    private static func relative(_ path: String, to file: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }
}
