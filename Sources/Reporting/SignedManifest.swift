// The signature file of a report: every file's SHA-256, the provenance hashes, the key and the signature.
public import Foundation

/// What `report.signature.json` holds: the report's files with their SHA-256, the recording's SHA-256,
/// the run-log head hash and the report id, signed with Ed25519.
///
/// The signature is over ``canonicalSignedText``: the manifest without `signature`, as canonical JSON
/// (members sorted, no whitespace; see `docs/reports.md`). The file itself is written pretty-printed by
/// ``jsonData()``; the canonical form is rebuilt when verifying, so layout does not matter, but every
/// field does. Members unknown to this version are ignored when read, and are not signed.
public struct SignedManifest: Sendable, Codable, Hashable {
    /// The manifest's file name beside the report: `report.signature.json`.
    public static let fileName = "report.signature.json"
    /// The format this version writes and reads.
    public static let currentFormat = "haechi-signature/1"
    /// The only signature algorithm.
    public static let ed25519 = "Ed25519"

    /// One signed file.
    public struct File: Sendable, Codable, Hashable {
        /// The plain file name (no folder), e.g. `report.html`.
        public var name: String
        /// SHA-256 of its bytes, lower-case hex.
        public var sha256: String
        /// Its size in bytes.
        public var bytes: Int

        /// A file entry.
        public init(name: String, sha256: String, bytes: Int) {
            self.name = name
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    /// `haechi-signature/1`.
    public var format: String
    /// `Ed25519`.
    public var algorithm: String
    /// The report's unique id.
    public var reportID: String
    /// The signed files, sorted by name (UTF-8 byte order).
    public var files: [File]
    /// SHA-256 of the recording the report was computed from, lower-case hex as given by the caller.
    /// `haechi verify` re-hashes the recording and compares it with this.
    public var recordingSHA256: String
    /// The run log's head hash when the report was made.
    public var runLogHeadHash: String
    /// The signer's Ed25519 public key: base64 of its 32 bytes.
    public var publicKey: String
    /// The Ed25519 signature of ``canonicalSignedText``: base64 of its 64 bytes.
    public var signature: String
    /// SHA-256 of the test plan's and the laboratory profile's content, so that criteria cannot be
    /// edited after the fact unseen; `nil` in manifests older than these fields.
    public var planSHA256: String?
    public var labProfileSHA256: String?
    /// `true` for a draft (signed by the range's key when written, before any officer has read it);
    /// `false` once an officer signed it with `haechi sign`.
    public var draft: Bool?
    /// The officer who signed, as they gave their name and role, and when (UTC).
    public var signerName: String?
    public var signerRole: String?
    public var signedAt: String?

    /// A manifest (normally made by ``ReportSigner/sign(files:recordingSHA256:runLogHeadHash:reportID:privateKey:)``).
    public init(format: String = SignedManifest.currentFormat, algorithm: String = SignedManifest.ed25519, reportID: String,
                files: [File], recordingSHA256: String, runLogHeadHash: String, publicKey: String, signature: String) {
        self.format = format
        self.algorithm = algorithm
        self.reportID = reportID
        self.files = files
        self.recordingSHA256 = recordingSHA256
        self.runLogHeadHash = runLogHeadHash
        self.publicKey = publicKey
        self.signature = signature
    }

    /// Reads a manifest from the bytes of `report.signature.json`.
    public init(jsonData: Data) throws(ReportingError) {
        do {
            self = try JSONDecoder().decode(SignedManifest.self, from: jsonData)
        } catch {
            throw ReportingError(code: .invalidManifest, message: "\(Self.fileName) is not a Haechi signature manifest", cause: error)
        }
    }

    /// The manifest as pretty JSON with sorted keys and a final newline, for writing to `report.signature.json`.
    public func jsonData() throws(ReportingError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(self)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw ReportingError(code: .encodingFailed, message: "could not encode the signature manifest", cause: error)
        }
    }

    /// The text the signature covers: every member except `signature`, as canonical JSON (RFC 8785).
    public var canonicalSignedText: String {
        CanonicalJSON.object([
            "format": .string(format),
            "algorithm": .string(algorithm),
            "reportID": .string(reportID),
            "files": .array(files.map { .object(["name": .string($0.name), "sha256": .string($0.sha256), "bytes": .integer($0.bytes)]) }),
            "recordingSHA256": .string(recordingSHA256),
            "runLogHeadHash": .string(runLogHeadHash),
            "publicKey": .string(publicKey),
        ].merging(optionalMembers) { a, _ in a }).text
    }

    /// The members added with this round's fields, present only when set (so older manifests verify).
    private var optionalMembers: [String: CanonicalJSON] {
        var members: [String: CanonicalJSON] = [:]
        if let planSHA256 { members["planSHA256"] = .string(planSHA256) }
        if let labProfileSHA256 { members["labProfileSHA256"] = .string(labProfileSHA256) }
        if let draft { members["draft"] = .bool(draft) }
        if let signerName { members["signerName"] = .string(signerName) }
        if let signerRole { members["signerRole"] = .string(signerRole) }
        if let signedAt { members["signedAt"] = .string(signedAt) }
        return members
    }

    /// Whether `name` may be signed: a plain, non-empty file name (no `/` or `\`, not `.` or `..`, no
    /// control character) other than the manifest's own.
    public static func isValidFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name != fileName
            && !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
    }
}
