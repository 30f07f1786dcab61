// libFuzzer target: MAVLink frames. Any bytes parse into messages and counted defects, never a trap,
// and every message goes through the truth assembler as ingest would. Since a mutated frame almost
// never keeps a valid CRC, the input is also wrapped, as a payload, into a valid frame of a message
// Haechi decodes (its first byte picks which): so every decoder, and the frame processor's Remote
// ID and truth paths behind it, see arbitrary field values.
import FuzzSupport
import TelemetryModel
import TelemetryIngest

/// The messages Haechi decodes, with their CRC_EXTRA (common.xml).
let decodedMessages: [(id: UInt32, crcExtra: UInt8)] = [
    (0, 50), (2, 137), (24, 24), (33, 104), (12900, 114), (12901, 254), (12904, 77), (12905, 49), (12915, 94),
]

/// A valid MAVLink v2 frame of message `selector` (modulo the table) around `payload` (cut to 255 bytes).
func wrap(selector: UInt8, payload: ArraySlice<UInt8>) -> [UInt8] {
    let (id, crcExtra) = decodedMessages[Int(selector) % decodedMessages.count]
    let body = Array(payload.prefix(255))
    var frame: [UInt8] = [0xFD, UInt8(body.count), 0, 0, selector, 1, 1, UInt8(id & 0xFF), UInt8((id >> 8) & 0xFF), UInt8(id >> 16)] + body
    var crc = MAVLinkCRC()
    Array(frame.dropFirst()).withUnsafeBytes { crc.accumulate($0) }
    crc.accumulate(crcExtra)
    frame += [UInt8(crc.value & 0xFF), UInt8(crc.value >> 8)]
    return frame
}

nonisolated(unsafe) let processor = FrameProcessor(endpointNames: ["fuzz"], maximumFrameBytes: 1 << 20, siteGeoidSeparation: 25,
                               siteOrigin: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5),
                               recordSinks: [Discard()])
final class Discard: TelemetryRecordSink {
    func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {}
}
nonisolated(unsafe) var sequence: UInt64 = 0

let fuzzMAVLink: FuzzTest = { data, size in
    let input = Array(fuzzInput(data, size))
    var assembler = MAVLinkTruthAssembler(droneID: "drone-1", siteGeoidSeparation: 25)
    var time: Int64 = 1_700_000_000_000_000_000
    let wrapped = input.isEmpty ? [] : wrap(selector: input[0], payload: input.dropFirst())
    for payload in [input, wrapped] {
        payload.withUnsafeBytes { bytes in
            MAVLinkFrameParser.parse(bytes) { event in
                guard case .message(let header, let message) = event else { return }
                time += 1_000_000
                _ = assembler.ingest(header, message, receivedAt: Timestamp(nanosecondsSinceEpoch: time))
            }
        }
        sequence += 1
        FrameProcessor.lend([Array("mavlink/fuzz".utf8), payload]) {
            _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: time), sequence: sequence)
        }
    }
    return 0
}

@_cdecl("FuzzMAVLink_main")
func fuzzMAVLinkMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzMAVLink) }
