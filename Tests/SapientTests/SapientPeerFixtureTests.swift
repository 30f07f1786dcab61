// Messages serialized by Dstl's own classes (PyPI sapient-msg; Fixtures/gen_sapient_fixtures.py)
// decode in Haechi's generated code, and its validator finds exactly what each is known to break.
import Foundation
import Sapient
import SwiftProtobuf
import Testing

@Suite("SAPIENT messages from Dstl's classes")
struct SapientPeerFixtureTests {
    struct Fixtures: Decodable {
        struct Case: Decodable {
            var name: String
            var hex: String
            var problems: [String]
        }
        var node: String
        var received_at_ns: Int64
        var cases: [Case]
    }

    static let fixtures: Fixtures = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sapient_fixtures.json")
        // The fixture is committed beside this file; a missing or broken one fails every test that reads it.
        return (try? JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url))) ?? Fixtures(node: "", received_at_ns: 0, cases: [])
    }()

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    @Test("Every fixture decodes, its envelope reads the same, and the validator finds exactly its known problems",
          arguments: fixtures.cases.map(\.name))
    func fixture(_ name: String) throws {
        let fixtures = Self.fixtures
        let item = try #require(fixtures.cases.first { $0.name == name })
        let bytes = Self.bytes(hex: item.hex)
        let message = try BSISapientMessage(serializedBytes: bytes)
        // Nothing Dstl's classes wrote is unknown to Haechi's definitions of these messages.
        #expect(message.unknownFields.data.isEmpty)
        let envelope = try #require(bytes.withUnsafeBytes { SapientEnvelope($0) })
        #expect(envelope.nodeID == (message.hasNodeID ? message.nodeID : nil))
        #expect(envelope.content.map(\.rawValue) == message.content.map { content -> Int in
            switch content {
            case .registration: 4
            case .registrationAck: 5
            case .statusReport: 6
            case .detectionReport: 7
            case .alert: 10
            case .error: 12
            }
        })
        let problems = SapientValidator().problems(message, receivedAt: fixtures.received_at_ns).map(\.description)
        #expect(problems == item.problems)
        // Re-serialized by Haechi, the message is the same message to Dstl's definitions' reader (here: Haechi's).
        let again = try BSISapientMessage(serializedBytes: try message.serializedBytes() as [UInt8])
        #expect(again == message)
    }

    @Test("The fixture file holds the messages the generator writes")
    func present() {
        #expect(Self.fixtures.cases.count >= 10 && Self.fixtures.node == "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed")
    }
}
