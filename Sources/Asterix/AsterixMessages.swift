// What Haechi reads from CAT048 plots, CAT034 service messages and CAT062 system tracks, in the
// units of the specifications; the mapping into Haechi's model converts them (docs/wire-formats.md).

/// A radar's identity: System Area Code and System Identification Code (item 010 of every category).
public struct AsterixSource: Hashable, Sendable, CustomStringConvertible {
    public let sac: UInt8
    public let sic: UInt8

    public init(sac: UInt8, sic: UInt8) {
        self.sac = sac
        self.sic = sic
    }

    /// `<SAC>-<SIC>`, as a source name (`asterix/<SAC>-<SIC>`) writes it.
    public var description: String { "\(sac)-\(sic)" }

    /// The source a name `<SAC>-<SIC>` (decimal) stands for, if it is one.
    public init?(name: String) {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let sac = UInt8(parts[0]), let sic = UInt8(parts[1]), name == "\(sac)-\(sic)" else { return nil }
        self.init(sac: sac, sic: sic)
    }

    /// The source of the first record of a datagram whose first block is CAT034, CAT048 or CAT062
    /// (each begins with I010 when its first FSPEC bit is set), if it can be read.
    public init?(firstRecordOf datagram: UnsafeRawBufferPointer) {
        guard datagram.count >= 4, [34, 48, 62].contains(datagram[0]) else { return nil }
        let length = Int(datagram[1]) << 8 | Int(datagram[2])
        let end = Swift.min(length, datagram.count)
        guard datagram[3] & 0x80 != 0 else { return nil }
        var position = 3
        while position < end, datagram[position] & 1 != 0 { position += 1 }
        position += 1   // past the FSPEC's last octet
        guard position + 2 <= end else { return nil }
        self.init(sac: datagram[position], sic: datagram[position + 1])
    }
}

/// A pair of coordinates or velocity components, east (`x`) and north (`y`).
public struct AsterixXY: Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A WGS-84 latitude and longitude, degrees.
public struct AsterixLatLon: Hashable, Sendable {
    public var latitudeDeg: Double
    public var longitudeDeg: Double

    public init(latitudeDeg: Double, longitudeDeg: Double) {
        self.latitudeDeg = latitudeDeg
        self.longitudeDeg = longitudeDeg
    }
}

/// A CAT048 target report (a plot, perhaps with the radar's own track number).
public struct AsterixPlot: Hashable, Sendable {
    public var source: AsterixSource
    /// I048/140: seconds since midnight UTC (1/128 s).
    public var timeOfDay: Double
    /// I048/020 TYP: 0 no detection, 1 PSR, 2 SSR, 3 SSR + PSR, 4 Mode S all-call, 5 Mode S roll-call, …
    public var detectionType: UInt8?
    /// I048/020 SIM: a simulated target report.
    public var isSimulated: Bool = false
    /// I048/020 TST (second part): a test target.
    public var isTest: Bool = false
    /// I048/040 RHO: slant range, nautical miles (1/256 NM).
    public var rangeNM: Double?
    /// I048/040 THETA: azimuth from north, degrees (360/2^16).
    public var azimuthDeg: Double?
    /// I048/070: Mode-3/A code (the 12 bits of four octal digits).
    public var mode3A: UInt16?
    /// I048/090: flight level (1/4 FL), when present.
    public var flightLevel: Double?
    /// I048/110: height measured by a 3D radar, feet (25 ft).
    public var heightFt: Double?
    /// I048/161: the radar's track number.
    public var trackNumber: UInt16?
    /// I048/042: calculated position, nautical miles east and north of the radar (1/128 NM).
    public var cartesianNM: AsterixXY?
    /// I048/200: ground speed, NM/s (2^-14).
    public var groundSpeedNMPerSecond: Double?
    /// I048/200: heading, degrees (360/2^16).
    public var headingDeg: Double?
    /// I048/170 CNF: the track is tentative.
    public var trackIsTentative: Bool?

}

/// A CAT034 service message: the radar's scan boundaries and where it stands.
public struct AsterixServiceMessage: Hashable, Sendable {
    /// I034/000.
    public enum Kind: Hashable, Sendable {
        case northMarker, sectorCrossing, geographicalFiltering, jammingStrobe, other(UInt8)

        init(_ code: UInt8) {
            switch code {
            case 1: self = .northMarker
            case 2: self = .sectorCrossing
            case 3: self = .geographicalFiltering
            case 4: self = .jammingStrobe
            default: self = .other(code)
            }
        }
    }

    public var source: AsterixSource
    public var kind: Kind
    /// I034/030: seconds since midnight UTC (1/128 s).
    public var timeOfDay: Double
    /// I034/020: the sector crossed, degrees (360/2^8).
    public var sectorDeg: Double?
    /// I034/041: the antenna's rotation period, seconds (1/128 s).
    public var rotationPeriodSeconds: Double?
    /// I034/120: the radar's position (WGS-84, 180/2^23 °).
    public var position: AsterixLatLon?
    /// I034/120: the radar's height, metres.
    public var heightM: Double?

}

/// A CAT062 system track.
public struct AsterixSystemTrack: Hashable, Sendable {
    public var source: AsterixSource
    /// I062/070: time of applicability, seconds since midnight UTC (1/128 s).
    public var timeOfDay: Double
    /// I062/040.
    public var trackNumber: UInt16
    /// I062/105: WGS-84 position, degrees (180/2^25).
    public var position: AsterixLatLon?
    /// I062/100: position in the system's Cartesian plane, metres (0.5 m).
    public var cartesianM: AsterixXY?
    /// I062/185: velocity, m/s (0.25 m/s), east and north.
    public var velocityMPerSecond: AsterixXY?
    /// I062/130: geometric altitude, feet (6.25 ft).
    public var geometricAltitudeFt: Double?
    /// I062/136: measured flight level (1/4 FL).
    public var flightLevel: Double?
    /// I062/220: rate of climb or descent, feet per minute (6.25 ft/min).
    public var climbRateFtPerMinute: Double?
    /// I062/060: Mode-3/A code.
    public var mode3A: UInt16?
    /// I062/080 CNF: tentative.
    public var isTentative: Bool?
    /// I062/080 SIM (second part): simulated.
    public var isSimulated: Bool = false
    /// I062/080 TSE (second part): the last message of this track.
    public var isEnding: Bool = false

}

/// One decoded record.
public enum AsterixMessage: Hashable, Sendable {
    case plot(AsterixPlot)
    case service(AsterixServiceMessage)
    case systemTrack(AsterixSystemTrack)

    /// The record's data source.
    public var source: AsterixSource {
        switch self {
        case .plot(let plot): plot.source
        case .service(let message): message.source
        case .systemTrack(let track): track.source
        }
    }

    /// The record's time of day, seconds since midnight UTC.
    public var timeOfDay: Double {
        switch self {
        case .plot(let plot): plot.timeOfDay
        case .service(let message): message.timeOfDay
        case .systemTrack(let track): track.timeOfDay
        }
    }

    /// The message of `record` (a record of CAT034, CAT048 or CAT062 by the profiles of
    /// ``AsterixUAP``).
    /// - Returns: ``AsterixProblem/Kind/missingItem`` when an item Haechi needs is absent (the data
    ///   source, the time; a system track's number).
    public static func decode(_ record: AsterixRecord) -> Result<AsterixMessage, AsterixProblem> {
        func missing(_ item: String) -> Result<AsterixMessage, AsterixProblem> {
            .failure(AsterixProblem(.missingItem, at: record.offset, category: record.category,
                                    "CAT\(record.category) record without I\(threeDigits(record.category))/\(item)"))
        }
        guard let sourceItem = record.item("010") else { return missing("010") }
        let source = AsterixSource(sac: sourceItem[sourceItem.startIndex], sic: sourceItem[sourceItem.startIndex + 1])
        switch record.category {
        case 48:
            guard let time = record.item("140") else { return missing("140") }
            var plot = AsterixPlot(source: source, timeOfDay: Double(time.unsigned(0, 3)) / 128)
            if let descriptor = record.item("020") {
                let first = descriptor[descriptor.startIndex]
                plot.detectionType = first >> 5
                plot.isSimulated = first & 0x10 != 0
                if descriptor.count > 1 { plot.isTest = descriptor[descriptor.startIndex + 1] & 0x80 != 0 }
            }
            if let polar = record.item("040") {
                plot.rangeNM = Double(polar.unsigned(0, 2)) / 256
                plot.azimuthDeg = Double(polar.unsigned(2, 2)) * 360 / 65_536
            }
            if let code = record.item("070") { plot.mode3A = UInt16(code.unsigned(0, 2) & 0x0FFF) }
            if let level = record.item("090") { plot.flightLevel = Double(level.signed(0, 2, bits: 14)) / 4 }
            if let height = record.item("110") { plot.heightFt = Double(height.signed(0, 2, bits: 14)) * 25 }
            if let number = record.item("161") { plot.trackNumber = UInt16(number.unsigned(0, 2) & 0x0FFF) }
            if let position = record.item("042") {
                plot.cartesianNM = AsterixXY(x: Double(position.signed(0, 2, bits: 16)) / 128, y: Double(position.signed(2, 2, bits: 16)) / 128)
            }
            if let velocity = record.item("200") {
                plot.groundSpeedNMPerSecond = Double(velocity.unsigned(0, 2)) / 16_384
                plot.headingDeg = Double(velocity.unsigned(2, 2)) * 360 / 65_536
            }
            if let status = record.item("170") { plot.trackIsTentative = status[status.startIndex] & 0x80 != 0 }
            return .success(.plot(plot))
        case 34:
            guard let type = record.item("000") else { return missing("000") }
            guard let time = record.item("030") else { return missing("030") }
            var message = AsterixServiceMessage(source: source, kind: .init(type[type.startIndex]), timeOfDay: Double(time.unsigned(0, 3)) / 128)
            if let sector = record.item("020") { message.sectorDeg = Double(sector[sector.startIndex]) * 360 / 256 }
            if let period = record.item("041") { message.rotationPeriodSeconds = Double(period.unsigned(0, 2)) / 128 }
            if let position = record.item("120") {
                message.position = AsterixLatLon(latitudeDeg: Double(position.signed(2, 3, bits: 24)) * 180 / 8_388_608,
                                                 longitudeDeg: Double(position.signed(5, 3, bits: 24)) * 180 / 8_388_608)
                message.heightM = Double(position.signed(0, 2, bits: 16))
            }
            return .success(.service(message))
        case 62:
            guard let time = record.item("070") else { return missing("070") }
            guard let number = record.item("040") else { return missing("040") }
            var track = AsterixSystemTrack(source: source, timeOfDay: Double(time.unsigned(0, 3)) / 128,
                                           trackNumber: UInt16(number.unsigned(0, 2)))
            if let position = record.item("105") {
                track.position = AsterixLatLon(latitudeDeg: Double(position.signed(0, 4, bits: 32)) * 180 / 33_554_432,
                                               longitudeDeg: Double(position.signed(4, 4, bits: 32)) * 180 / 33_554_432)
            }
            if let position = record.item("100") {
                track.cartesianM = AsterixXY(x: Double(position.signed(0, 3, bits: 24)) / 2, y: Double(position.signed(3, 3, bits: 24)) / 2)
            }
            if let velocity = record.item("185") {
                track.velocityMPerSecond = AsterixXY(x: Double(velocity.signed(0, 2, bits: 16)) / 4, y: Double(velocity.signed(2, 2, bits: 16)) / 4)
            }
            if let altitude = record.item("130") { track.geometricAltitudeFt = Double(altitude.signed(0, 2, bits: 16)) * 6.25 }
            if let level = record.item("136") { track.flightLevel = Double(level.signed(0, 2, bits: 16)) / 4 }
            if let climb = record.item("220") { track.climbRateFtPerMinute = Double(climb.signed(0, 2, bits: 16)) * 6.25 }
            if let code = record.item("060") { track.mode3A = UInt16(code.unsigned(0, 2) & 0x0FFF) }
            if let status = record.item("080") {
                track.isTentative = status[status.startIndex] & 0x02 != 0
                if status.count > 1 {
                    let second = status[status.startIndex + 1]
                    track.isSimulated = second & 0x80 != 0
                    track.isEnding = second & 0x40 != 0
                }
            }
            return .success(.systemTrack(track))
        default:
            return .failure(AsterixProblem(.unknownCategory, at: record.offset, category: record.category,
                                           "CAT\(record.category) is not decoded"))
        }
    }
}

/// A category as three digits (`048`).
func threeDigits(_ category: UInt8) -> String {
    let digits = "\(category)"
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}

extension ArraySlice<UInt8> {
    /// `count` octets from `offset` (relative to the slice) as a big-endian unsigned integer.
    func unsigned(_ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<count { value = value << 8 | UInt64(self[startIndex + offset + index]) }
        return value
    }

    /// The low `bits` bits of `count` octets from `offset`, as a two's complement integer.
    func signed(_ offset: Int, _ count: Int, bits: Int) -> Int64 {
        let raw = unsigned(offset, count) & ((1 << UInt64(bits)) - 1)
        return raw & (1 << UInt64(bits - 1)) != 0 ? Int64(raw) - (1 << Int64(bits)) : Int64(raw)
    }
}

/// Time of day to a full time.
public enum AsterixTimeOfDay {
    /// The UTC time, in ns since the Unix epoch, whose time of day is `seconds` and which lies
    /// closest to `receivedAt` (ns since the epoch): the day before or after when the record and its
    /// receipt straddle midnight.
    /// Wrapping arithmetic: a receive time read from an edited recording may be anything.
    public static func resolve(_ seconds: Double, near receivedAt: Int64) -> Int64 {
        nearest(Int64(((seconds.isFinite ? seconds : 0) * 1e9).rounded()), period: 86_400_000_000_000, to: receivedAt)
    }

    /// The time `offset` ns into some period of `period` ns (counted from the epoch) nearest `time`.
    public static func nearest(_ offset: Int64, period: Int64, to time: Int64) -> Int64 {
        let start = time &- ((time % period) &+ period) % period
        var best = start &+ offset
        for candidate in [start &- period &+ offset, start &+ period &+ offset]
        where (candidate &- time).magnitude < (best &- time).magnitude {
            best = candidate
        }
        return best
    }
}
