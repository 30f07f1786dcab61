// The recording's mapping hands its pages back behind a pass, and the bytes read afterwards are the same.
import Foundation
import Testing
@testable import SessionRecording
import MCAPCodec

@Suite("Mapped recordings")
struct MappedFileTests {
    @Test("after its pages are handed back, every byte of the file reads as before, in a second pass and in the reader's own")
    func releasedPagesReadTheSame() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = [UInt8](repeating: 0, count: 3 << 20 + 12_345)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in bytes.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[index] = UInt8(truncatingIfNeeded: state >> 56)
        }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let file = try MappedFile(path: path)
        let expected = MCAPCRC32.checksum(bytes)
        #expect(file.withUnsafeBytes { MCAPCRC32.checksum($0) } == expected)
        let touched = try #require(Self.residentKilobytes(of: path))
        #expect(touched >= 3 << 10, "the whole file was read: \(touched) kB resident")
        file.releasePages(before: 1 << 20)
        file.releasePages(before: .max)
        // Handed back: the mapping holds at most the file's last, partly read page.
        #expect(try #require(Self.residentKilobytes(of: path)) <= 8, "after release")
        file.passed(2 << 20 + 17)
        #expect(file.withUnsafeBytes { MCAPCRC32.checksum($0) } == expected)
        #expect(file.withUnsafeBytes { Array($0) } == bytes)
        file.rewind()
        file.releasePages(before: bytes.count)
        #expect(file.withUnsafeBytes { Array($0.suffix(100)) } == Array(bytes.suffix(100)))
    }

    /// The resident size of this process's mapping of `path`, from /proc/self/smaps (kB).
    static func residentKilobytes(of path: String) -> Int? {
        // Read to the end: a /proc file says it is empty, so a read sized by its length gets nothing.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return nil }
        defer { try? handle.close() }
        let smaps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            if line.first?.isHexDigit == true && line.contains("-") && line.contains(" ") {
                inMapping = line.hasSuffix(path)
            } else if inMapping, line.hasPrefix("Rss:") {
                return Int(line.dropFirst(4).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
            }
        }
        return nil
    }
}
