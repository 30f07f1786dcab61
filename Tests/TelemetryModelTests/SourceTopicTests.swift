// The envelope's topic grammar: `<format>/<source-id>`.
import Testing
import TelemetryModel

@Suite("Topic parsing")
struct SourceTopicTests {
    func parse(_ bytes: [UInt8]) -> SourceTopic? {
        bytes.withUnsafeBytes { SourceTopic(bytes: $0) }
    }

    @Test("Well-formed topics parse into format and source", arguments: [
        ("json/radar-1", "json", "radar-1", WireFormat.json as WireFormat?),
        ("mavlink/drone-7", "mavlink", "drone-7", .mavlink),
        ("xml/radar-9", "xml", "radar-9", nil),
        ("json/a.b_c:d-E9", "json", "a.b_c:d-E9", .json),
    ])
    func valid(topic: String, format: String, source: String, known: WireFormat?) throws {
        let parsed = try #require(parse(Array(topic.utf8)))
        #expect(parsed.formatName == format)
        #expect(parsed.sourceID == source)
        #expect(parsed.format == known)
        #expect(parsed.description == topic)
    }

    @Test("Malformed topics are rejected", arguments: [
        "", "nonsense", "/radar", "json/", "JSON/radar", "json/radar/1", "json/radar 1", "json/радар",
        "json/" + String(repeating: "x", count: 65), String(repeating: "f", count: 17) + "/x",
    ])
    func invalid(topic: String) {
        #expect(parse(Array(topic.utf8)) == nil)
    }

    @Test("Bytes that are not UTF-8 are rejected")
    func notUTF8() {
        #expect(parse([0x6A, 0x2F, 0xFF, 0xFE]) == nil)
    }
}
