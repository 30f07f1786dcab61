// libFuzzer target: SAPIENT (BSI Flex 335 v2.0). Any bytes, as a TCP stream, are cut into frames or
// refused for their length; as a message, are read by the envelope's first look and decoded (or
// refused) by swift-protobuf and the ICD's rules; and, through the frame processor of a range that
// knows the node, registered on the connection, become detections, tracks, statuses and sensors, or
// counted problems, never a trap. The input is also planted as each content field of a well-formed
// envelope, so the mutations reach the Registration, StatusReport and DetectionReport decoders.
import FuzzSupport
import Sapient
import TelemetryIngest
import TelemetryModel

final class Discard: TelemetryRecordSink {
    func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {}
}

let node = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
let receivedAt: Int64 = 1_790_000_000_000_000_000
nonisolated(unsafe) let processor = FrameProcessor(
    endpointNames: ["fuzz"], maximumFrameBytes: 1 << 20, siteGeoidSeparation: 23,
    sapient: SapientSettings(sensors: [node: SensorDescription(
        sensorID: "radar", kind: "radar", position: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 10))],
        timeWindow: SapientTimeWindow(pastNanoseconds: Int64.max / 4, futureNanoseconds: Int64.max / 4)),
    siteOrigin: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5), recordSinks: [Discard()])
let sender = FrameSender(connection: 1, endpointIndex: 0, endpointName: "fuzz", mechanism: .null, address: "127.0.0.1")
nonisolated(unsafe) var sequence: UInt64 = 0
let topic = Array("sapient/\(node)".utf8)

/// A SapientMessage's top-level fields 1 (timestamp) and 2 (node id), then `content` as field `field`.
func envelope(field: UInt8, content: [UInt8]) -> [UInt8] {
    func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value), out: [UInt8] = []
        repeat {
            out.append(UInt8(value & 0x7f) | (value >= 0x80 ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return out
    }
    let seconds = varint(Int(receivedAt / 1_000_000_000))
    let timestamp: [UInt8] = [0x0a] + varint(seconds.count + 1) + [0x08] + seconds
    return timestamp + [0x12] + varint(node.utf8.count) + Array(node.utf8) + [field << 3 | 2] + varint(content.count) + content
}

func feed(_ payload: [UInt8], extra: [UInt8]? = nil) {
    sequence += 1
    FrameProcessor.lend([topic, payload] + (extra.map { [$0] } ?? [])) {
        _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: receivedAt), sequence: sequence,
                              sender: sender)
    }
}

/// A minimal valid Registration, fed once so that the node's later messages are taken.
func register() {
    let registration = BSIRegistration.sensorNode(type: .radar, name: "fuzz", model: "fuzz", statusIntervalSeconds: 1)
    feed(envelope(field: 4, content: (try? registration.serializedBytes()) ?? []))
}

nonisolated(unsafe) var registered = false

let fuzzSapient: FuzzTest = { data, size in
    if !registered {
        register()
        registered = true
    }
    let input = Array(fuzzInput(data, size))
    // As a stream, in two reads.
    var reader = SapientFrameReader(maximumMessageBytes: 4096)
    let cut = input.isEmpty ? 0 : Int(input[0]) % (input.count + 1)
    for part in [input[..<cut], input[cut...]] {
        Array(part).withUnsafeBytes { reader.append($0) }
        frames: while true {
            switch reader.next() {
            case .message(let range):
                guard range.lowerBound >= 0, range.upperBound <= reader.buffer.count else { fatalError("frame \(range) outside the buffer") }
            case .incomplete:
                break frames
            case .oversize(let length):
                guard length > 4096 else { fatalError("length \(length) within the limit called oversize") }
                break frames
            }
        }
    }
    _ = input.withUnsafeBytes { SapientEnvelope($0) }
    if let message = try? BSISapientMessage(serializedBytes: input) {
        _ = SapientValidator().problems(message, receivedAt: receivedAt)
    }
    feed(input)
    feed(input, extra: Array("stalled".utf8))
    // Planted as a Registration (on a second processor state it would register), a StatusReport and
    // a DetectionReport of the registered node.
    for field: UInt8 in [6, 7, 10, 4] { feed(envelope(field: field, content: input)) }
    return 0
}

@_cdecl("FuzzSapient_main")
func fuzzSapientMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzSapient) }
