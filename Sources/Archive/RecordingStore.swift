// The shared store of recordings: a folder where each file is named by its SHA-256.
import Foundation
import RunLog
import Crypto

/// A content-addressed folder of recordings (`<store>/sha256/ab/ab…ef.mcap`), such as a network mount
/// every range and worker sees.
///
/// A file's name is its content's SHA-256, so any copy can be checked with `sha256sum` and nothing
/// can be stored twice. A file is written to a temporary name in its folder while it is hashed,
/// flushed to disk, and renamed into place only when its hash is the one expected: a reader never
/// sees a partial object, and an object that is present is whole.
public struct RecordingStore: Sendable {
    /// The store's root folder.
    public let root: String

    public init(root: String) { self.root = root }

    /// Where the object with this hash lives, relative to the root.
    public static func relativePath(sha256: String) -> String {
        "sha256/\(sha256.prefix(2))/\(sha256).mcap"
    }

    /// Where the object with this hash lives; `nil` when `sha256` is not a SHA-256 in lower-case hex,
    /// so that no text from a database (which an attacker may have edited) names a path outside the store.
    public func path(sha256: String) -> String? {
        Self.isHash(sha256) ? (root as NSString).appendingPathComponent(Self.relativePath(sha256: sha256)) : nil
    }

    /// Whether `text` is a SHA-256 in lower-case hex (the only names the store makes or reads).
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Copies the file at `source` into the store as the object `sha256`, unless it is there already
    /// with the same size. Returns `true` when it copied. Throws when the file's content does not
    /// have that hash (it changed since it was logged), or when the copy fails; nothing is left behind.
    @discardableResult
    public func put(file source: String, sha256: String) throws(ArchiveError) -> Bool {
        guard let destination = path(sha256: sha256) else { throw ArchiveError("'\(sha256.prefix(80))' is not a SHA-256") }
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: source), let size = (attributes[.size] as? NSNumber)?.int64Value else {
            throw ArchiveError("cannot read the recording \(source)")
        }
        if let existing = try? manager.attributesOfItem(atPath: destination), (existing[.size] as? NSNumber)?.int64Value == size {
            return false
        }
        let folder = (destination as NSString).deletingLastPathComponent
        do { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw ArchiveError("cannot make the store's folder \(folder): \(error.localizedDescription)")
        }
        let temporary = (folder as NSString).appendingPathComponent(".\(sha256).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial")
        do throws(ArchiveError) {
            let copied = try Self.copyHashing(from: source, to: temporary)
            guard copied == sha256 else {
                throw ArchiveError("the recording \(source) has SHA-256 \(copied), not \(sha256) as logged: it changed since it was recorded")
            }
            guard rename(temporary, destination) == 0 else {
                throw ArchiveError("cannot move \(temporary) into place: \(String(cString: strerror(errno)))")
            }
            return true
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// The SHA-256 of the object `sha256` as it is now (`nil` when it is missing or unreadable).
    public func rehash(sha256: String) -> String? { path(sha256: sha256).flatMap { RunLog.sha256Hex(file: $0) } }

    /// Copies `source` to the new file `destination`, flushed to disk, and returns the SHA-256 of what
    /// it copied.
    private static func copyHashing(from source: String, to destination: String) throws(ArchiveError) -> String {
        guard let input = FileHandle(forReadingAtPath: source) else { throw ArchiveError("cannot read the recording \(source)") }
        defer { try? input.close() }
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard descriptor >= 0 else { throw ArchiveError("cannot write \(destination): \(String(cString: strerror(errno)))") }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var hasher = SHA256()
        do {
            while true {
                let block = try input.read(upToCount: 1 << 20) ?? Data()
                if block.isEmpty { break }
                hasher.update(data: block)
                try output.write(contentsOf: block)
            }
            try output.synchronize()
        } catch {
            throw ArchiveError("cannot copy \(source) into the store: \(error.localizedDescription)")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
