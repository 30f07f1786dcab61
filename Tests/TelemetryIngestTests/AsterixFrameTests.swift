// ASTERIX datagrams on `asterix/<source-id>` topics, through the frame processor: records handed on,
// scans from north markers, every problem counted under its reason, one radar per topic.
import Asterix
import Foundation
import Geodesy
import Testing
import TelemetryIngest
import TelemetryModel

@Suite("ASTERIX frames")
struct AsterixFrameTests {
    /// Big-endian octets of the low `count` bytes of `value` (two's complement for negatives).
    static func be(_ value: Int64, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * Int64($0))) }
    }

    static func block(_ category: UInt8, _ records: [[UInt8]]) -> [UInt8] {
        let body = records.flatMap { $0 }
        return [category] + be(Int64(body.count + 3), 2) + body
    }

    /// Seconds of day in 1/128 s.
    static func tod(_ seconds: Double) -> [UInt8] { be(Int64((seconds * 128).rounded()), 3) }

    /// A CAT034 north marker with I034/041 (4 s) and I034/120 (35.9 °N, 126.6 °E, 30 m).
    static func northMarker(sac: UInt8 = 1, sic: UInt8 = 2, at seconds: Double) -> [UInt8] {
        // FRN 1 (010), 2 (000), 3 (030), 5 (041) and FX; FRN 11 (120).
        [0xE9, 0x10, sac, sic, 0x01] + tod(seconds) + be(512, 2)
            + be(30, 2) + be(Int64((35.9 * 8_388_608 / 180).rounded()), 3) + be(Int64((126.6 * 8_388_608 / 180).rounded()), 3)
    }

    /// A CAT048 plot with I048/040 and I048/161.
    static func plot(sac: UInt8 = 1, sic: UInt8 = 2, at seconds: Double, rangeNM: Double, azimuthDeg: Double, track: Int64) -> [UInt8] {
        // FRN 1 (010), 2 (140), 4 (040) and FX; FRN 11 (161).
        [0xD1, 0x10, sac, sic] + tod(seconds) + be(Int64((rangeNM * 256).rounded()), 2)
            + be(Int64((azimuthDeg * 65_536 / 360).rounded()), 2) + be(track, 2)
    }

    /// Processes one frame; its verdict.
    @discardableResult
    static func feed(_ processor: FrameProcessor, _ topic: String, _ payload: [UInt8], at nanoseconds: Int64, sequence: UInt64 = 0) -> RejectReason? {
        FrameProcessor.lend([bytes(topic), payload]) {
            processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: nanoseconds), sequence: sequence)
        }
    }

    let day: Int64 = 86_400_000_000_000
    var midnight: Int64 { 20_500 * day }

    @Test("A north marker and two plots become a sensor, a scan and two detections of that scan, timed near their receipt")
    func plotsAndScans() throws {
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["radars"], maximumFrameBytes: 65_536, siteGeoidSeparation: 23, recordSinks: [sink])
        let datagram = Self.block(34, [Self.northMarker(at: 36_000)])
            + Self.block(48, [Self.plot(at: 36_000.5, rangeNM: 2, azimuthDeg: 90, track: 7), Self.plot(at: 36_001, rangeNM: 1.5, azimuthDeg: 270, track: 8)])
        #expect(Self.feed(processor, "asterix/radar-7", datagram, at: midnight + 36_002 * 1_000_000_000) == nil)
        let source = try #require(processor.statistics.sources["asterix/radar-7"])
        #expect(source.framesMalformed == 0)
        #expect(source.records == [.scan: 1, .sensor: 1, .detection: 2])
        let records = sink.records.map(\.0)
        #expect(records.count == 4)
        guard case .sensor(let sensor) = records[1] else { Issue.record("no sensor: \(records)"); return }
        #expect(sensor.sensorID == "radar-7" && abs(sensor.position!.latitude - 35.9) < 1e-5 && sensor.position!.ellipsoidalHeight == 30)
        #expect(sensor.scanRateHz == 0.25)
        guard case .scan(let scan) = records[0], case .detection(let first) = records[2], case .detection(let second) = records[3] else {
            Issue.record("unexpected records: \(records)")
            return
        }
        #expect(scan.scanID == 1 && first.scanID == 1 && second.scanID == 1)
        #expect(scan.time.nanosecondsSinceEpoch == midnight + 36_000 * 1_000_000_000)
        #expect(first.time.nanosecondsSinceEpoch == midnight + 36_000_500_000_000)
        #expect(first.range == 2 * 1852 && first.azimuth == 90 && first.detectionID == 7)
        #expect(second.range == 1.5 * 1852 && second.azimuth == 270)
    }

    @Test("A plot stamped just before midnight and received just after is yesterday's")
    func stampedBeforeMidnight() throws {
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["radars"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0, recordSinks: [sink])
        let datagram = Self.block(48, [Self.plot(at: 86_399.75, rangeNM: 1, azimuthDeg: 10, track: 1)])
        Self.feed(processor, "asterix/r", datagram, at: midnight + 1_000_000_000)
        let record = try #require(sink.records.first?.0)
        guard case .detection(let detection) = record else { Issue.record("no detection"); return }
        #expect(detection.time.nanosecondsSinceEpoch == midnight - 250_000_000)
    }

    @Test("Each problem is counted under its own reason; the sound blocks of the same datagram still count")
    func problemsAreCounted() throws {
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["radars"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0, recordSinks: [sink])
        let good = Self.block(48, [Self.plot(at: 10, rangeNM: 1, azimuthDeg: 10, track: 1)])
        let unknown: [UInt8] = [240, 0, 4, 0]
        let unterminated: [UInt8] = [48, 0, 5, 0xFF, 0xFF]
        let verdict = Self.feed(processor, "asterix/r", good + unknown + unterminated, at: midnight + 11_000_000_000)
        #expect(verdict == .asterixUnknownCategory)
        // A plot from another radar on the same topic, and a record without its time.
        let other = Self.block(48, [Self.plot(sic: 9, at: 11, rangeNM: 1, azimuthDeg: 10, track: 1)])
        let timeless = Self.block(48, [[0x80, 0x01, 0x02]])
        Self.feed(processor, "asterix/r", other + timeless, at: midnight + 12_000_000_000, sequence: 1)
        let source = try #require(processor.statistics.sources["asterix/r"])
        #expect(source.framesReceived == 2 && source.framesMalformed == 2)
        #expect(source.malformed == [.asterixUnknownCategory: 1, .asterixUnterminatedFSPEC: 1, .asterixUnexpectedSource: 1,
                                     .asterixMissingItem: 1])
        #expect(source.records == [.detection: 1])
        #expect(sink.records.count == 1)
    }

    @Test("A topic named <SAC>-<SIC> is bound to that radar from its first frame; a known radar's records carry its sensor id")
    func namedIdentity() throws {
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["radars"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0,
                                       asterixSensors: [AsterixSource(sac: 1, sic: 3): SensorDescription(sensorID: "radar-east", kind: "radar")], recordSinks: [sink])
        Self.feed(processor, "asterix/1-3", Self.block(48, [Self.plot(sic: 2, at: 1, rangeNM: 1, azimuthDeg: 1, track: 1)]), at: midnight + 2_000_000_000)
        Self.feed(processor, "asterix/1-3", Self.block(48, [Self.plot(sic: 3, at: 1, rangeNM: 1, azimuthDeg: 1, track: 1)]), at: midnight + 2_000_000_000,
                  sequence: 1)
        let source = try #require(processor.statistics.sources["asterix/1-3"])
        #expect(source.malformed == [.asterixUnexpectedSource: 1])
        #expect(source.records == [.detection: 1])
        guard case .detection(let detection)? = sink.records.first?.0 else { Issue.record("no detection"); return }
        #expect(detection.sensorID == "radar-east")
    }

    @Test("The source of a datagram's first record names it; anything else gives none")
    func firstRecordSource() {
        func source(_ bytes: [UInt8]) -> AsterixSource? { bytes.withUnsafeBytes { AsterixSource(firstRecordOf: $0) } }
        #expect(source(Self.block(48, [Self.plot(sac: 7, sic: 9, at: 1, rangeNM: 1, azimuthDeg: 1, track: 1)])) == AsterixSource(sac: 7, sic: 9))
        #expect(source(Self.block(34, [Self.northMarker(sac: 3, sic: 4, at: 5)])) == AsterixSource(sac: 3, sic: 4))
        #expect(source([48, 0, 5, 0x80, 0x01]) == nil)   // I010 cut short
        #expect(source([48, 0, 4, 0x40]) == nil)   // no I010
        #expect(source([240, 0, 6, 0x80, 1, 2]) == nil)   // another category
        #expect(source([48, 0, 6, 0x81, 0x81, 0x81]) == nil)   // an FSPEC running to the block's end
        #expect(source([]) == nil)
    }

    @Test("The elevation a 3-D radar's height gives agrees with WGS-84 geometry to a thousandth of a degree out to 20 km", arguments: [
        (500.0, 2.0), (3_000.0, 10.0), (8_000.0, 4.0), (20_000.0, 1.0), (1_500.0, -2.0),
    ])
    func elevationFromHeight(range: Double, elevation: Double) throws {
        let radar = GeodeticPosition(latitude: 35.9, longitude: 126.6, ellipsoidalHeight: 31)
        let plane = LocalTangentPlane(origin: radar)
        let e = elevation * .pi / 180, az = 0.7
        let target = plane.geodetic(ENUVector(range * cos(e) * sin(az), range * cos(e) * cos(az), range * sin(e)))
        let derived = try #require(FrameProcessor.elevation(slantRange: range, targetHeight: target.ellipsoidalHeight, radar: radar))
        #expect(abs(derived - elevation) < 1e-3, "\(derived) vs \(elevation)")
        #expect(FrameProcessor.elevation(slantRange: 100, targetHeight: radar.ellipsoidalHeight + 150, radar: radar) == nil)
    }

    @Test("What the writer encodes, the parser reads back within each item's unit; a plot's height gives its elevation")
    func writerRoundTrip() throws {
        let radar = AsterixSource(sac: 4, sic: 5)
        let datagram = AsterixWriter.blocks(category: 34, records: [AsterixWriter.northMarker(
            source: radar, timeOfDay: 3_600.3, rotationPeriodSeconds: 2.5, position: AsterixLatLon(latitudeDeg: 35.9, longitudeDeg: 126.6), heightM: 31)])
            + AsterixWriter.blocks(category: 48, records: [
                AsterixWriter.plot(source: radar, timeOfDay: 3_600.5, rangeNM: 1.234, azimuthDeg: 359.999, heightFt: 1_000),
                AsterixWriter.plot(source: radar, timeOfDay: 3_600.5, rangeNM: 2.5, azimuthDeg: 45, trackNumber: 77)])
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["radars"], maximumFrameBytes: 65_536, siteGeoidSeparation: 20, recordSinks: [sink])
        #expect(Self.feed(processor, "asterix/4-5", datagram, at: midnight + 3_601 * 1_000_000_000) == nil)
        let records = sink.records.map(\.0)
        guard records.count == 4, case .scan(let scan) = records[0], case .sensor(let sensor) = records[1],
              case .detection(let first) = records[2], case .detection(let second) = records[3] else {
            Issue.record("unexpected records: \(records)")
            return
        }
        #expect(scan.time.nanosecondsSinceEpoch == midnight + 3_600_296_875_000)   // 3600.3 s to the nearest 1/128 s
        #expect(abs(sensor.position!.latitude - 35.9) < 180 / 8_388_608 && sensor.scanRateHz == 0.4)
        #expect(abs(first.range! - 1.234 * 1852) <= 1852.0 / 512 && first.azimuth == 0)   // 359.999° rounds to north
        let expected = try #require(FrameProcessor.elevation(slantRange: first.range!, targetHeight: 1_000 * 0.3048 + 20, radar: sensor.position!))
        #expect(first.elevation == expected)
        #expect(second.elevation == nil && second.detectionID == 77 && second.azimuth == 45)
        // Many records are split over several blocks, each within its 16-bit length.
        let many = AsterixWriter.blocks(category: 48, records: Array(repeating: AsterixWriter.plot(source: radar, timeOfDay: 1, rangeNM: 1, azimuthDeg: 1),
                                                                     count: 10_000))
        let (parsed, problems) = AsterixRecordParser([.cat048]).parse(many)
        #expect(parsed.count == 10_000 && problems.isEmpty)
    }

    @Test("A CAT062 system track with a WGS-84 position and a geometric altitude becomes the system's track in the site's frame")
    func systemTrack() throws {
        let origin = GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5)
        let plane = LocalTangentPlane(origin: origin)
        let truth = plane.geodetic(ENUVector(1_200, -800, 150))
        let scale = 33_554_432.0 / 180
        // FRN 1 (010), 4 (070), 5 (105), 7 (185); 12 (040), 13 (080); 18 (130), 20 (220).
        let record: [UInt8] = [0x9B, 0x0D, 0x14, 9, 9] + Self.tod(500) + Self.be(Int64((truth.latitude * scale).rounded()), 4)
            + Self.be(Int64((truth.longitude * scale).rounded()), 4) + Self.be(-20, 2) + Self.be(12, 2)   // vx −5 m/s, vy 3 m/s
            + Self.be(4_321, 2) + [0x02]   // track 4321, tentative
            + Self.be(Int64((truth.ellipsoidalHeight / 0.3048 / 6.25).rounded()), 2) + Self.be(96, 2)   // 600 ft/min
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["c2"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0, siteOrigin: origin,
                                       recordSinks: [sink])
        #expect(Self.feed(processor, "asterix/9-9", Self.block(62, [record]), at: midnight + 501 * 1_000_000_000) == nil)
        guard case .track(let track)? = sink.records.first?.0 else { Issue.record("no track: \(sink.records)"); return }
        #expect(track.trackID == "9-9/4321" && track.status == "tentative" && track.sensorID == "9-9")
        #expect(abs(track.enu.x - 1_200) < 1 && abs(track.enu.y + 800) < 1 && abs(track.enu.z - 150) < 1.5)   // 6.25 ft steps
        #expect(track.velocity == ENUVector(-5, 3, 600 * 0.3048 / 60))
        #expect(track.time.nanosecondsSinceEpoch == midnight + 500 * 1_000_000_000)
        // Without the site's frame it is counted, not placed.
        let unplaced = FrameProcessor(endpointNames: ["c2"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0, recordSinks: [sink])
        Self.feed(unplaced, "asterix/9-9", Self.block(62, [record]), at: midnight + 501 * 1_000_000_000)
        #expect(unplaced.statistics.sources["asterix/9-9"]?.records == [.track: 1] && sink.records.count == 1)
    }

    @Test("A radar's test target and simulated plots are counted and recorded, never handed on to be scored")
    func testTargetsAreNotScored() throws {
        let radar = AsterixSource(sac: 1, sic: 2)
        let real = AsterixWriter.plot(source: radar, timeOfDay: 10, rangeNM: 1, azimuthDeg: 10)
        // I048/020 follows the FSPEC, I010 and I140 (1 + 2 + 3 octets): SIM is its 0x10 bit.
        var simPlot = AsterixWriter.plot(source: radar, timeOfDay: 10, rangeNM: 1, azimuthDeg: 20)
        simPlot[1 + 2 + 3] |= 0x10
        // TST is the first bit of I048/020's second part: FRN 1-4 (010, 140, 020, 040), I020 of two octets.
        let testPlot: [UInt8] = [0xF0, 1, 2] + Self.tod(10) + [0x21, 0x80] + Self.be(256, 2) + Self.be(5_461, 2)
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["radars"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0, recordSinks: [sink])
        Self.feed(processor, "asterix/1-2", AsterixWriter.blocks(category: 48, records: [real, simPlot, testPlot]),
                  at: midnight + 11_000_000_000)
        #expect(processor.statistics.sources["asterix/1-2"]?.records == [.detection: 3])
        #expect(processor.statistics.sources["asterix/1-2"]?.framesMalformed == 0)
        #expect(sink.records.count == 1)
        guard case .detection(let detection)? = sink.records.first?.0 else { Issue.record("no detection"); return }
        #expect(abs(detection.azimuth - 10) < 360.0 / 65_536)
    }
}
