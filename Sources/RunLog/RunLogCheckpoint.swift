// A signed statement of the run log's head, kept outside the log, against which the log is checked later.
public import Foundation
public import Crypto

/// The run log's head at one moment, signed with the range's key: `haechi runs checkpoint` prints it,
/// an officer keeps it (in the trial's paperwork, an e-mail, another machine), and
/// `haechi runs verify --checkpoint` later requires the log to still hold that entry with that hash.
///
/// The hash chain alone proves only that the log is self-consistent: whoever can rewrite the file can
/// drop its last entries, or every entry, or rebuild the whole chain. A checkpoint held elsewhere
/// anchors it: truncation below the checkpoint's entry, or any rewrite of the entries up to it,
/// changes the hash at that sequence.
public struct RunLogCheckpoint: Sendable, Hashable, Codable {
    public static let currentFormat = "haechi-runlog-checkpoint/1"

    public var format: String
    /// The log's head: its last entry's sequence and hash (0 and 64 zeros for an empty log).
    public var sequence: Int64
    public var head: String
    /// When it was taken (UTC, ISO 8601), and the log's path then (for the reader; not checked).
    public var takenUTC: String
    public var log: String
    /// The signer's public key (base64 of its 32 bytes) and the Ed25519 signature (base64) over ``signedMessage``.
    public var publicKey: String
    public var signature: String
    /// The signer's key as the other commands name a key: the SHA-256 of its 32 bytes, in hex (`runs
    /// verify` and `verify` print its first 16 digits). Not signed: a reader's aid, checked against
    /// ``publicKey`` when present; checkpoints from before it have none.
    public var publicKeySHA256: String?

    /// What the signature covers.
    public var signedMessage: Data { Data("\(format)\n\(sequence)\n\(head)\n\(takenUTC)\n\(log)".utf8) }

    /// The checkpoint of `log`'s head now, signed with `key`.
    public static func take(of log: RunLog, key: Curve25519.Signing.PrivateKey, at date: Date = Date()) throws(RunLogError) -> RunLogCheckpoint {
        let last = try log.entries().last
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var checkpoint = RunLogCheckpoint(format: currentFormat, sequence: last?.sequence ?? 0, head: last?.hash ?? RunLog.genesis,
                                          takenUTC: formatter.string(from: date), log: log.path,
                                          publicKey: key.publicKey.rawRepresentation.base64EncodedString(), signature: "")
        checkpoint.publicKeySHA256 = RunLog.sha256Hex(key.publicKey.rawRepresentation)
        do { checkpoint.signature = try key.signature(for: checkpoint.signedMessage).base64EncodedString() } catch {
            throw RunLogError("cannot sign the checkpoint: \(error)")
        }
        return checkpoint
    }

    /// One line of JSON, keys sorted.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a checkpoint from its JSON (surrounding whitespace allowed).
    public init(json: Data) throws(RunLogError) {
        do { self = try JSONDecoder().decode(RunLogCheckpoint.self, from: json) } catch {
            throw RunLogError("not a run-log checkpoint (one line of JSON from haechi runs checkpoint): \(error)")
        }
    }

    public init(format: String, sequence: Int64, head: String, takenUTC: String, log: String, publicKey: String, signature: String) {
        self.format = format
        self.sequence = sequence
        self.head = head
        self.takenUTC = takenUTC
        self.log = log
        self.publicKey = publicKey
        self.signature = signature
    }

    /// The problems of holding `entries` against this checkpoint: its own signature (and, with
    /// `trustedKey`, its signer), and that the log still has entry ``sequence`` with hash ``head``.
    public func problems(entries: [RunLogEntry], trustedKey: Curve25519.Signing.PublicKey?) -> [String] {
        var problems: [String] = []
        if format != Self.currentFormat { problems.append("checkpoint format '\(format)' is not \(Self.currentFormat)") }
        let key = Data(base64Encoded: publicKey).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
        if let key, let bytes = Data(base64Encoded: signature), key.isValidSignature(bytes, for: signedMessage) {
            if let trustedKey, trustedKey.rawRepresentation != key.rawRepresentation {
                problems.append("the checkpoint is signed by another key than the range's")
            }
        } else {
            problems.append("the checkpoint's signature does not match it: it was changed")
        }
        if let publicKeySHA256, let key, publicKeySHA256 != RunLog.sha256Hex(key.rawRepresentation) {
            problems.append("the checkpoint's publicKeySHA256 is not its key's: it was changed")
        }
        if sequence == 0 { return problems }
        if let entry = entries.first(where: { $0.sequence == sequence }) {
            if entry.hash != head {
                problems.append("entry \(sequence) has hash \(entry.hash.prefix(16))…, the checkpoint says \(head.prefix(16))…: "
                                + "the log was rewritten up to the checkpoint")
            }
        } else {
            let last = entries.last?.sequence ?? 0
            problems.append("the log ends at entry \(last), before the checkpoint's entry \(sequence): entries were removed")
        }
        return problems
    }
}
