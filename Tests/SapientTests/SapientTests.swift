// The SAPIENT module on its own: framing, the first look at an envelope, identifiers, the ICD's rules,
// and Haechi's replies.
import Foundation
import Sapient
import SwiftProtobuf
import Testing

@Suite("SAPIENT")
struct SapientTests {
    static let node = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
    static let receivedAt: Int64 = 1_790_000_000_000_000_000

    static func message(at nanoseconds: Int64 = receivedAt, _ fill: (inout BSISapientMessage) -> Void) -> BSISapientMessage {
        var message = BSISapientMessage()
        message.timestamp = Google_Protobuf_Timestamp(seconds: nanoseconds / 1_000_000_000, nanos: Int32(nanoseconds % 1_000_000_000))
        message.nodeID = node
        fill(&message)
        return message
    }

    static func detection(objectID: String = "01JAAAAAAAAAAAAAAAAAAAAAA1") -> BSIDetectionReport {
        var report = BSIDetectionReport()
        report.reportID = "01JBBBBBBBBBBBBBBBBBBBBBB1"
        report.objectID = objectID
        var polar = BSIRangeBearing()
        polar.azimuth = 45
        polar.range = 1000
        polar.coordinateSystem = .degreesM
        polar.datum = .true
        report.rangeBearing = polar
        return report
    }

    @Test("Frames are cut at their little-endian lengths across reads, and a length past the limit ends the stream")
    func framing() throws {
        var reader = SapientFrameReader(maximumMessageBytes: 100)
        let stream = SapientFrameReader.frame([1, 2, 3]) + SapientFrameReader.frame([]) + SapientFrameReader.frame(Array(repeating: 9, count: 100))
        var messages: [[UInt8]] = []
        for byte in stream {   // one byte at a time: the worst a TCP stream can do
            [byte].withUnsafeBytes { reader.append($0) }
            while case .message(let range) = reader.next() { messages.append(Array(reader.buffer[range])) }
        }
        #expect(messages == [[1, 2, 3], [], Array(repeating: 9, count: 100)])
        #expect(reader.pendingBytes == 0)
        [0x65, 0, 0, 0].withUnsafeBytes { reader.append($0) }   // 101
        #expect(reader.next() == .oversize(length: 101))
    }

    @Test("The envelope's node id and content are read without decoding; garbage is nil")
    func envelope() throws {
        let bytes: [UInt8] = try Self.message { $0.detectionReport = Self.detection() }.serializedBytes()
        let envelope = try #require(bytes.withUnsafeBytes { SapientEnvelope($0) })
        #expect(envelope.nodeID == Self.node && envelope.content == .detectionReport)
        #expect([0xff, 0xff, 0xff, 0xff, 0x0f].withUnsafeBytes { SapientEnvelope($0) } == nil)
        #expect([0x12, 0x05, 0x61].withUnsafeBytes { SapientEnvelope($0) } == nil)   // a length past the end
    }

    @Test("ULIDs and UUIDs are checked as the ICD's tools check them")
    func identifiers() {
        #expect(SapientIdentifier.isULID("01ARZ3NDEKTSV4RRFFQ69G5FAV"))
        #expect(!SapientIdentifier.isULID("81ARZ3NDEKTSV4RRFFQ69G5FAV"))   // past 128 bits
        #expect(!SapientIdentifier.isULID("01ARZ3NDEKTSV4RRFFQ69G5FAU"))   // U is not Crockford
        #expect(!SapientIdentifier.isULID("01arz3ndektsv4rrffq69g5fav"))
        #expect(SapientIdentifier.isUUIDv4(Self.node))
        #expect(!SapientIdentifier.isUUIDv4(Self.node.uppercased()))
        #expect(!SapientIdentifier.isUUIDv4("1b9d6bcd-bbfd-1b2d-9b5d-ab8dfbbd4bed"))   // version 1
        #expect(!SapientIdentifier.isUUIDv4("1b9d6bcd-bbfd-4b2d-7b5d-ab8dfbbd4bed"))   // not the RFC variant
    }

    @Test("Each broken rule is named, with where it was broken")
    func validation() {
        let validator = SapientValidator(timeWindow: SapientTimeWindow(pastNanoseconds: 1_000_000_000, futureNanoseconds: 100_000_000))
        #expect(validator.problems(Self.message { $0.detectionReport = Self.detection() }, receivedAt: Self.receivedAt).isEmpty)
        var kinds = validator.problems(Self.message { $0.detectionReport = Self.detection(objectID: "x") }, receivedAt: Self.receivedAt)
        #expect(kinds == [SapientProblem(.badIdentifier, "detection_report.object_id")])
        kinds = validator.problems(Self.message(at: Self.receivedAt - 2_000_000_000) { $0.detectionReport = Self.detection() },
                                   receivedAt: Self.receivedAt)
        #expect(kinds.map(\.kind) == [.badTime])
        kinds = validator.problems(Self.message(at: Self.receivedAt + 200_000_000) { $0.detectionReport = Self.detection() },
                                   receivedAt: Self.receivedAt)
        #expect(kinds.map(\.kind) == [.badTime])
        var noPlace = Self.detection()
        noPlace.locationOneof = nil
        #expect(validator.problems(Self.message { $0.detectionReport = noPlace }, receivedAt: Self.receivedAt)
                == [SapientProblem(.missingField, "detection_report.location_oneof")])
        var registration = BSIRegistration()
        registration.icdVersion = "BSI Flex 335 v1.0"
        let found = Set(validator.problems(registration).map(\.description))
        #expect(found.isSuperset(of: ["unknown_icd_version (registration.icd_version)", "missing_field (registration.node_definition)",
                                      "missing_field (registration.capabilities)", "missing_field (registration.status_definition)",
                                      "missing_field (registration.mode_definition)", "missing_field (registration.config_data)"]))
        #expect(validator.problems(Self.message { $0.registrationAck = BSIRegistrationAck() }, receivedAt: Self.receivedAt).map(\.kind)
                == [.unexpectedContent])
        var noNode = Self.message { $0.alert = BSIAlert() }
        noNode.clearNodeID()
        #expect(Set(validator.problems(noNode, receivedAt: Self.receivedAt))
                == [SapientProblem(.missingField, "node_id"), SapientProblem(.missingField, "alert.alert_id")])
    }

    @Test("A RegistrationAck and an Error are framed SapientMessages addressed to the node, from Haechi")
    func replies() throws {
        let haechi = "68616563-6869-4000-8000-000000000001"
        let ack = SapientReply.registrationAck(from: haechi, to: Self.node, accepted: false, reasons: ["no"], at: Self.receivedAt)
        var reader = SapientFrameReader(maximumMessageBytes: 1000)
        ack.withUnsafeBytes { reader.append($0) }
        guard case .message(let range) = reader.next() else { Issue.record("not a frame"); return }
        let decoded = try BSISapientMessage(serializedBytes: Array(reader.buffer[range]))
        #expect(decoded.nodeID == haechi && decoded.destinationID == Self.node)
        #expect(decoded.registrationAck.acceptance == false && decoded.registrationAck.ackResponseReason == ["no"])
        #expect(decoded.timestamp.seconds == Self.receivedAt / 1_000_000_000)
        let error = SapientReply.error(from: haechi, to: "garbage", packet: [1, 2, 3], messages: ["bad"], at: Self.receivedAt)
        let errorMessage = try BSISapientMessage(serializedBytes: Array(error.dropFirst(4)))
        #expect(errorMessage.error.packet == Data([1, 2, 3]) && !errorMessage.hasDestinationID)
    }

    @Test("The recording's schema is a FileDescriptorSet that names SapientMessage")
    func schema() throws {
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: SapientSchema.descriptorSet)
        let names = set.file.flatMap { file in file.messageType.map { "\(file.package).\($0.name)" } }
        #expect(names.contains(SapientSchema.messageName))
        #expect(set.file.contains { $0.name == "google/protobuf/timestamp.proto" })
    }
}
