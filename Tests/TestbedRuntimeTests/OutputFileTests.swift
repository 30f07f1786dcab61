// An output file is written whole, and a path that is not a plain file is written through, not replaced.
import Testing
import TestbedRuntime
import Foundation

@Suite("Output files")
struct OutputFileTests {
    private func folder() throws -> String {
        let path = NSTemporaryDirectory() + "haechi-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("A symbolic link (as /dev/stdout is) stays a link, and its target gets the text")
    func throughALink() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = root + "/kept-elsewhere.json", link = root + "/summary.json"
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try OutputFile.write("{\"new\": true}\n", to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{\"new\": true}\n")
    }

    @Test("A plain file is replaced whole, and a new one made, with nothing left beside them")
    func plainFiles() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try OutputFile.write("first\n", to: root + "/a.json")
        try OutputFile.write("second\n", to: root + "/a.json")
        #expect(try String(contentsOfFile: root + "/a.json", encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["a.json"])
    }
}
