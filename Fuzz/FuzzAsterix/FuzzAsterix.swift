// libFuzzer target: ASTERIX datagrams (CAT034, CAT048, CAT062 and any other category). Any bytes are
// read into records or refused with a counted problem, never a trap; every record parsed lies inside
// the datagram, in order, and decodes to a message or a problem; and the frame processor, with a site
// and a known radar, turns them into scans, sensors, detections (elevations) and system tracks.
import Asterix
import FuzzSupport
import TelemetryIngest
import TelemetryModel

final class Discard: TelemetryRecordSink {
    func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {}
}
nonisolated(unsafe) let processor = FrameProcessor(
    endpointNames: ["fuzz"], maximumFrameBytes: 1 << 20, siteGeoidSeparation: 23,
    asterixSensors: [AsterixSource(sac: 1, sic: 2): SensorDescription(
        sensorID: "radar", kind: "radar", position: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 10))],
    siteOrigin: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5), recordSinks: [Discard()])
nonisolated(unsafe) var sequence: UInt64 = 0

let asterixParser = AsterixRecordParser([.cat034, .cat048, .cat062])

let fuzzAsterix: FuzzTest = { data, size in
    let datagram = Array(fuzzInput(data, size))
    let (records, problems) = asterixParser.parse(datagram)
    var end = 0
    for record in records {
        guard record.offset >= end, record.end > record.offset, record.end <= datagram.count else {
            fatalError("record \(record.offset)..<\(record.end) outside the datagram or out of order (previous end \(end))")
        }
        end = record.end
        _ = AsterixMessage.decode(record)
    }
    for problem in problems where problem.offset > datagram.count {
        fatalError("problem past the datagram: \(problem)")
    }
    // Named by its first record (as the UDP transport names it), and by a fixed name.
    let name = datagram.withUnsafeBytes { AsterixSource(firstRecordOf: $0) }.map { "asterix/\($0)" } ?? "asterix/radar"
    for topic in [name, "asterix/1-2"] {
        sequence += 1
        FrameProcessor.lend([Array(topic.utf8), datagram]) {
            _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: 1_796_636_000_000_000_000),
                                  sequence: sequence)
        }
    }
    return 0
}

@_cdecl("FuzzAsterix_main")
func fuzzAsterixMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzAsterix) }
