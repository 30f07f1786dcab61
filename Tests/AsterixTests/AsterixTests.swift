// The ASTERIX decoder against libasterix (an independent codec generated from the machine-readable
// specifications), and against hostile datagrams built by hand.
import Asterix
import Foundation
import Testing
import TestSupport

@Suite("ASTERIX")
struct AsterixTests {
    static let parser = AsterixRecordParser([.cat034, .cat048, .cat062])

    struct Fixture: Decodable {
        struct Case: Decodable {
            let hex: String
            let records: [[String: Double?]]
            let unknown_blocks: Int
        }
        let cases: [Case]
    }

    /// What Haechi decodes, keyed as the fixture keys what libasterix decodes.
    static func fields(_ message: AsterixMessage) -> [String: Double?] {
        var out: [String: Double?] = ["sac": Double(message.source.sac), "sic": Double(message.source.sic),
                                      "time_of_day": message.timeOfDay]
        switch message {
        case .plot(let plot):
            out["category"] = 48
            out["range_nm"] = plot.rangeNM
            out["azimuth_deg"] = plot.azimuthDeg
            out["mode3a"] = plot.mode3A.map(Double.init)
            out["flight_level"] = plot.flightLevel
            out["height_ft"] = plot.heightFt
            out["track_number"] = plot.trackNumber.map(Double.init)
            out["x_nm"] = plot.cartesianNM?.x
            out["y_nm"] = plot.cartesianNM?.y
            out["ground_speed_nm_s"] = plot.groundSpeedNMPerSecond
            out["heading_deg"] = plot.headingDeg
            if let type = plot.detectionType {
                out["typ"] = Double(type)
                out["sim"] = plot.isSimulated ? 1 : 0
                out["tst"] = plot.isTest ? 1 : 0
            }
            if let tentative = plot.trackIsTentative { out["cnf"] = tentative ? 1 : 0 }
        case .service(let service):
            out["category"] = 34
            out["message_type"] = switch service.kind {
            case .northMarker: 1
            case .sectorCrossing: 2
            case .geographicalFiltering: 3
            case .jammingStrobe: 4
            case .other(let code): Double(code)
            }
            out["sector_deg"] = service.sectorDeg
            out["rotation_period_s"] = service.rotationPeriodSeconds
            out["height_m"] = service.heightM
            out["lat_deg"] = service.position?.latitudeDeg
            out["lon_deg"] = service.position?.longitudeDeg
        case .systemTrack(let track):
            out["category"] = 62
            out["track_number"] = Double(track.trackNumber)
            out["lat_deg"] = track.position?.latitudeDeg
            out["lon_deg"] = track.position?.longitudeDeg
            out["x_m"] = track.cartesianM?.x
            out["y_m"] = track.cartesianM?.y
            out["vx_m_s"] = track.velocityMPerSecond?.x
            out["vy_m_s"] = track.velocityMPerSecond?.y
            out["geometric_altitude_ft"] = track.geometricAltitudeFt
            out["flight_level"] = track.flightLevel
            out["mode3a"] = track.mode3A.map(Double.init)
            if let tentative = track.isTentative {
                out["cnf"] = tentative ? 1 : 0
                out["sim"] = track.isSimulated ? 1 : 0
                out["tse"] = track.isEnding ? 1 : 0
            }
        }
        return out
    }

    @Test("Every record libasterix encodes, every optional item included, decodes to what libasterix reads from it; other categories are skipped by length")
    func agreesWithLibasterix() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/asterix_fixtures.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.cases.count >= 100)
        var records = 0
        var itemsSeen = Set<String>()
        for (index, item) in fixture.cases.enumerated() {
            let (parsed, problems) = Self.parser.parse(bytes(hex: item.hex))
            #expect(problems.map(\.kind) == Array(repeating: .unknownCategory, count: item.unknown_blocks), "datagram \(index)")
            #expect(parsed.count == item.records.count, "datagram \(index)")
            for (record, expected) in zip(parsed, item.records) {
                itemsSeen.formUnion(record.itemNames.map { "\(record.category)/\($0)" })
                let message = try AsterixMessage.decode(record).get()
                let decoded = Self.fields(message)
                for (key, value) in expected {
                    let mine = decoded[key] ?? nil
                    switch (mine, value) {
                    case (nil, nil): break
                    case (let a?, let b?): #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "datagram \(index) \(key): \(a) vs \(b)")
                    default: Issue.record("datagram \(index) \(key): Haechi \(String(describing: mine)), libasterix \(String(describing: value))")
                    }
                }
                records += 1
            }
        }
        #expect(records > 300)
        // Every item of the three profiles (but SP and RE) came up at least once.
        for uap in [AsterixUAP.cat034, .cat048, .cat062] {
            for case let (name, _)? in uap.items where name != "SP" && name != "RE" {
                #expect(itemsSeen.contains("\(uap.category)/\(name)"), "CAT\(uap.category) I\(name) never appeared")
            }
        }
    }

    /// A CAT048 data block of `records` (each FSPEC and items, as bytes).
    static func block(_ category: UInt8, _ records: [UInt8]...) -> [UInt8] {
        let body = records.flatMap { $0 }
        let length = body.count + 3
        return [category, UInt8(length >> 8), UInt8(length & 0xFF)] + body
    }

    static let plot: [UInt8] = [0xD0, 0x01, 0x02, 0x00, 0x30, 0x39, 0x10, 0x00, 0x40, 0x00]   // 010, 140, 040

    @Test("A sound plot decodes to its values")
    func soundPlot() throws {
        let (records, problems) = Self.parser.parse(Self.block(48, Self.plot))
        #expect(problems.isEmpty)
        guard case .plot(let plot) = try AsterixMessage.decode(try #require(records.first)).get() else {
            Issue.record("not a plot")
            return
        }
        #expect(plot.source == AsterixSource(sac: 1, sic: 2))
        #expect(plot.timeOfDay == 12_345.0 / 128)
        #expect(plot.rangeNM == 16)
        #expect(plot.azimuthDeg == 90)
    }

    @Test("Hostile datagrams are each a counted problem, never a trap, and the blocks around them still decode", arguments: [
        // (the bad block, the problem)
        ([48, 0x00, 0x05, 0xFF, 0xFF] as [UInt8], AsterixProblem.Kind.unterminatedFSPEC),   // the FSPEC never ends
        ([48, 0x00, 0x06, 0x01, 0x01, 0x01], .unterminatedFSPEC),
        ([48, 0x00, 0x08, 0x01, 0x01, 0x01, 0x01, 0x40], .unknownItem),   // FRN 30: CAT048 defines 28
        ([62, 0x00, 0x06, 0x40, 0x00, 0x00], .unknownItem),   // CAT062 FRN 2 is spare: its length is unknown
        ([48, 0x00, 0x05, 0x80, 0x01], .truncatedItem),   // I048/010 with one octet of two
        ([48, 0x00, 0x06, 0x01, 0x20, 0x02], .truncatedItem),   // I048/250 (FRN 10): 2 repetitions of 8 octets in none
        ([48, 0x00, 0x05, 0x00, 0x00], .emptyRecord),
        ([48, 0x00, 0x06, 0x01, 0x01, 0x06, 0x00], .badBlockLength),   // one octet after the block: too few for a header
        ([48, 0x00, 0x02], .badBlockLength),
        ([48, 0x10, 0x00, 0x80], .badBlockLength),   // LEN past the datagram
        ([240, 0x00, 0x04, 0x00], .unknownCategory),
    ])
    func hostile(bad: [UInt8], kind: AsterixProblem.Kind) {
        let good = Self.block(48, Self.plot)
        let (records, problems) = Self.parser.parse(good + bad)
        #expect(problems.map(\.kind).contains(kind), "\(problems)")
        #expect(records.first.map { $0.offset } == 3, "the good block before it still decodes")
        #expect(problems.allSatisfy { $0.offset >= good.count })
    }

    @Test("Every prefix and every one-octet corruption of a sound datagram is read or refused, never trapped")
    func corruptionNeverTraps() throws {
        let fixtureURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/asterix_fixtures.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtureURL))
        for item in fixture.cases.prefix(20) {
            let datagram = bytes(hex: item.hex)
            for cut in 0..<datagram.count {
                let (records, _) = Self.parser.parse(Array(datagram.prefix(cut)))
                for record in records { _ = AsterixMessage.decode(record) }
            }
            for position in datagram.indices {
                var corrupt = datagram
                corrupt[position] ^= 0xA5
                let (records, _) = Self.parser.parse(corrupt)
                for record in records { _ = AsterixMessage.decode(record) }
            }
        }
    }

    @Test("Time of day becomes the full time nearest the receipt, across midnight both ways")
    func timeOfDayAcrossMidnight() {
        let day: Int64 = 86_400_000_000_000
        let midnight = 20_000 * day
        let second: Int64 = 1_000_000_000
        // Received just after midnight, stamped just before it: yesterday.
        #expect(AsterixTimeOfDay.resolve(86_399.5, near: midnight + 2 * second) == midnight - second / 2)
        // Received just before midnight, stamped just after it (a fast clock): tomorrow.
        #expect(AsterixTimeOfDay.resolve(0.25, near: midnight - second) == midnight + second / 4)
        // The same day.
        #expect(AsterixTimeOfDay.resolve(3_600, near: midnight + 3_601 * second) == midnight + 3_600 * second)
        // A receive time from an edited recording may be anything: no trap at the ends of the range.
        for extreme in [Int64.min, Int64.min + 1, Int64.max, -1, 0] {
            _ = AsterixTimeOfDay.resolve(131_071.99, near: extreme)
            _ = AsterixTimeOfDay.resolve(.nan, near: extreme)
        }
    }
}
