// Writes ASTERIX records: the CAT034 north markers and CAT048 plots Haechi's simulator sends as a radar,
// and the CAT062 system tracks its tracker sends out.

/// Encodes data blocks and records, by the same profiles the parser reads (``AsterixUAP``).
///
/// Values are quantised to each item's unit (1/128 s, 1/256 NM, 360/2¹⁶ °, 25 ft, 180/2²³ °) by
/// rounding to the nearest, and held to the item's range.
public enum AsterixWriter {
    /// Data blocks of `category` holding `records` (each an FSPEC and its items), in order: one
    /// block, or as many as it takes to keep each within the 65,535 octets its length can say.
    public static func blocks(category: UInt8, records: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        var body: [UInt8] = []
        func flush() {
            guard !body.isEmpty else { return }
            out += [category, UInt8((body.count + 3) >> 8), UInt8((body.count + 3) & 0xFF)] + body
            body.removeAll(keepingCapacity: true)
        }
        for record in records {
            if body.count + record.count + 3 > 0xFFFF { flush() }
            body += record
        }
        flush()
        return out
    }

    /// A CAT034 north marker (I034/010, 000, 030, and 041 and 120 when given).
    public static func northMarker(source: AsterixSource, timeOfDay: Double, rotationPeriodSeconds: Double? = nil,
                                   position: AsterixLatLon? = nil, heightM: Double? = nil) -> [UInt8] {
        var items: [Int: [UInt8]] = [
            1: [source.sac, source.sic],
            2: [1],
            3: time(timeOfDay),
        ]
        if let period = rotationPeriodSeconds { items[5] = unsigned(period * 128, octets: 2) }
        if let position {
            items[11] = signed(heightM ?? 0, octets: 2) + signed(position.latitudeDeg * 8_388_608 / 180, octets: 3)
                + signed(position.longitudeDeg * 8_388_608 / 180, octets: 3)
        }
        return record(items)
    }

    /// A CAT048 plot (I048/010, 140, 020, 040, and 110 and 161 when given).
    /// - Parameter detectionType: I048/020 TYP (1: a single PSR detection).
    public static func plot(source: AsterixSource, timeOfDay: Double, rangeNM: Double, azimuthDeg: Double, heightFt: Double? = nil,
                            trackNumber: UInt16? = nil, detectionType: UInt8 = 1) -> [UInt8] {
        var azimuth = azimuthDeg.truncatingRemainder(dividingBy: 360)
        if azimuth < 0 { azimuth += 360 }
        var theta = unsigned(azimuth * 65_536 / 360, octets: 3)   // 360° rounds to 65,536: wrap it to 0
        theta = theta[0] > 0 ? [0, 0] : Array(theta[1...])
        var items: [Int: [UInt8]] = [
            1: [source.sac, source.sic],
            2: time(timeOfDay),
            3: [(detectionType & 0x07) << 5],
            4: unsigned(rangeNM * 256, octets: 2) + theta,
        ]
        if let trackNumber { items[11] = [UInt8((trackNumber >> 8) & 0x0F), UInt8(trackNumber & 0xFF)] }
        if let heightFt, heightFt.isFinite {
            let raw = Int64(max(-8192, min(8191, (heightFt / 25).rounded())))
            items[19] = [UInt8((raw >> 8) & 0x3F), UInt8(truncatingIfNeeded: raw)]
        }
        return record(items)
    }

    /// One system track of CAT062 (edition 1.18 and later): I062/010, 015, 070, 105, 100, 185, 040,
    /// 080, 130 and 220, in FRN order.
    ///
    /// - Parameters:
    ///   - timeOfDay: I062/070, seconds of the UTC day (1/128 s).
    ///   - latitudeDeg, longitudeDeg: I062/105 (180/2²⁵ °).
    ///   - xM, yM: I062/100, east and north of the system reference point (0.5 m).
    ///   - vxMs, vyMs: I062/185, east and north velocity (0.25 m/s).
    ///   - geometricAltitudeFt: I062/130, above the WGS84 ellipsoid (6.25 ft).
    ///   - climbFtPerMin: I062/220 (6.25 ft/min).
    ///   - monosensor: I062/080 MON; `altitudeSource`: its SRC (2: 3D radar, 6: default height).
    ///   - tentative: I062/080 CNF.
    public static func systemTrack(source: AsterixSource, serviceID: UInt8, timeOfDay: Double, trackNumber: UInt16,
                                   latitudeDeg: Double, longitudeDeg: Double, xM: Double, yM: Double, vxMs: Double, vyMs: Double,
                                   geometricAltitudeFt: Double, climbFtPerMin: Double, monosensor: Bool, altitudeSource: UInt8,
                                   tentative: Bool = false) -> [UInt8] {
        let status = (monosensor ? 0x80 : 0) | (UInt8(altitudeSource & 0x07) << 2) | (tentative ? 0x02 : 0)
        let items: [Int: [UInt8]] = [
            1: [source.sac, source.sic],
            3: [serviceID],
            4: time(timeOfDay),
            5: signed(latitudeDeg * 33_554_432 / 180, octets: 4) + signed(longitudeDeg * 33_554_432 / 180, octets: 4),
            6: signed(xM * 2, octets: 3) + signed(yM * 2, octets: 3),
            7: signed(vxMs * 4, octets: 2) + signed(vyMs * 4, octets: 2),
            12: bigEndian(Int64(trackNumber), octets: 2),
            13: [UInt8(status)],
            18: signed(geometricAltitudeFt / 6.25, octets: 2),
            20: signed(climbFtPerMin / 6.25, octets: 2),
        ]
        return record(items)
    }

    /// A record of the items given by FRN, in FRN order behind their FSPEC.
    static func record(_ items: [Int: [UInt8]]) -> [UInt8] {
        let frns = items.keys.sorted()
        let octets = max(1, ((frns.last ?? 1) + 6) / 7)
        var fspec = [UInt8](repeating: 0, count: octets)
        for frn in frns { fspec[(frn - 1) / 7] |= 0x80 >> UInt8((frn - 1) % 7) }
        for index in 0..<(octets - 1) { fspec[index] |= 1 }
        return fspec + frns.flatMap { items[$0]! }
    }

    /// Time of day in 1/128 s, modulo a day.
    static func time(_ seconds: Double) -> [UInt8] {
        guard seconds.isFinite else { return bigEndian(0, octets: 3) }
        let ticks = Int64((seconds.truncatingRemainder(dividingBy: 86_400) * 128).rounded()) % (86_400 * 128)
        return bigEndian(ticks < 0 ? ticks + 86_400 * 128 : ticks, octets: 3)
    }

    /// `value` rounded and held to an unsigned field of `octets` (a value that is not a number: 0).
    static func unsigned(_ value: Double, octets: Int) -> [UInt8] {
        guard value.isFinite else { return bigEndian(value > 0 ? (Int64(1) << (8 * Int64(octets))) - 1 : 0, octets: octets) }
        let top = Double((Int64(1) << (8 * Int64(octets))) - 1)
        return bigEndian(Int64(max(0, min(top, value.rounded()))), octets: octets)
    }

    /// `value` rounded and held to a two's-complement field of `octets` (a value that is not a number: 0).
    static func signed(_ value: Double, octets: Int) -> [UInt8] {
        guard !value.isNaN else { return bigEndian(0, octets: octets) }
        let half = Double(Int64(1) << (8 * Int64(octets) - 1))
        return bigEndian(Int64(max(-half, min(half - 1, value.rounded()))), octets: octets)
    }

    static func bigEndian(_ value: Int64, octets: Int) -> [UInt8] {
        (0..<octets).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * Int64($0))) }
    }
}
