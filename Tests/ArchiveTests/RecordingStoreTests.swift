// The content-addressed store: an object's name is its SHA-256, and nothing partial or wrong is left.
import Testing
@testable import Archive
import Foundation

@Suite("Recording store")
struct RecordingStoreTests {
    private func folder() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("haechi-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("An object is stored under its SHA-256, once, and reads back the same")
    func putOnce() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = (root as NSString).appendingPathComponent("run.mcap")
        let bytes = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: URL(fileURLWithPath: source))
        // SHA-256 computed here by another route than the store's (one shot over the whole buffer).
        let sha = SHA256Reference.hex(bytes)
        let store = RecordingStore(root: (root as NSString).appendingPathComponent("store"))
        #expect(try store.put(file: source, sha256: sha))
        let stored = try #require(store.path(sha256: sha))
        #expect(stored.hasSuffix("store/sha256/\(sha.prefix(2))/\(sha).mcap"))
        #expect(FileManager.default.contents(atPath: stored) == bytes)
        #expect(store.rehash(sha256: sha) == sha)
        #expect(try store.put(file: source, sha256: sha) == false)
        let folder = (stored as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["\(sha).mcap"])
    }

    @Test("A file whose content is not the logged hash is refused and leaves nothing behind")
    func wrongHash() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = (root as NSString).appendingPathComponent("run.mcap")
        try Data("edited after it was logged".utf8).write(to: URL(fileURLWithPath: source))
        let claimed = String(repeating: "ab", count: 32)
        let store = RecordingStore(root: (root as NSString).appendingPathComponent("store"))
        #expect(throws: ArchiveError.self) { try store.put(file: source, sha256: claimed) }
        let target = try #require(store.path(sha256: claimed))
        #expect(!FileManager.default.fileExists(atPath: target))
        let folder = (target as NSString).deletingLastPathComponent
        #expect((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] == [])
        #expect(throws: ArchiveError.self) { try store.put(file: source, sha256: "../../etc/passwd") }
        #expect(store.path(sha256: "../../etc/passwd") == nil && store.path(sha256: "/" + String(repeating: "0", count: 63)) == nil)
    }

    @Test("Only lower-case 64-digit hex names an object")
    func hashNames() {
        #expect(RecordingStore.isHash(String(repeating: "0f", count: 32)))
        #expect(!RecordingStore.isHash(String(repeating: "0F", count: 32)))
        #expect(!RecordingStore.isHash(String(repeating: "0f", count: 31)))
        #expect(!RecordingStore.isHash("../" + String(repeating: "0", count: 61)))
    }

    @Test("A password in a connection string never reaches an error message")
    func redaction() {
        #expect(PostgresConnection.redacted("postgresql://haechi:s3cret@db:5432/haechi") == "postgresql://haechi:***@db:5432/haechi")
        #expect(PostgresConnection.redacted("host=db password=s3cret dbname=haechi") == "host=db password=*** dbname=haechi")
        #expect(PostgresConnection.redacted("postgresql://haechi@db/haechi") == "postgresql://haechi@db/haechi")
    }

    @Test("Connecting to nothing is an error that names where, not a crash")
    func noServer() {
        do {
            _ = try PostgresConnection(url: "postgresql://nobody@127.0.0.1:1/none", password: "pw-that-must-not-show")
            Issue.record("connected to port 1")
        } catch {
            #expect(error.message.contains("cannot connect to the archive (postgresql://nobody@127.0.0.1:1/none)"))
            #expect(!error.message.contains("pw-that-must-not-show"))
        }
    }
}
