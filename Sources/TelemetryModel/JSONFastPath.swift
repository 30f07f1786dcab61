// A single-pass reader for the hot JSON v1 records: detection, streamed scan, truth and status.
import Foundation

/// Decodes the records that arrive by the hundred thousand (detections, streamed scans, truth and
/// status) in one pass over the payload bytes, with no copy, no document tree and no allocation
/// beyond the record's own ids.
///
/// It answers only when it is certain: any escape, non-ASCII byte, nested value, duplicate known
/// key, non-canonical number, missing field or value out of range makes it return `nil`, and the
/// `Decodable` path, which is the reference, decides (and words the error). A differential test
/// holds the two equal on every input where this path answers.
enum JSONFastPath {
    /// The record types this path reads; any other goes to the reference path.
    private enum RecordType { case detection, scan, truth, status }

    /// An id as read: a plain string (its bytes in the payload) or an integer.
    private struct Identifier {
        var text: Range<Int> = 0..<0
        var number: Int64 = 0
        var isNumber = false
    }

    /// The fields read so far. Plain values and two bit sets (a key seen; a key with a non-null value)
    /// rather than optionals: filled in place, the struct is about half the size it was with one
    /// optional per field, and it is never copied.
    private struct Fields {
        var seen: UInt32 = 0
        var present: UInt32 = 0
        var type: RecordType?
        var tNs: Int64 = 0, t = 0.0
        var sensorID = Identifier(), droneID = Identifier()
        var scanID: Int64 = 0, detID: Int64 = 0, seq: Int64 = 0, nDetections: Int64 = 0
        var range = 0.0, azimuth = 0.0, elevation = 0.0
        var lat = 0.0, lon = 0.0, alt = 0.0
        var state: Range<Int> = 0..<0
        var enu = SIMD3<Double>(), velENU = SIMD3<Double>()

        func has(_ field: Field) -> Bool { present & field.bit != 0 }
        /// The value of an optional numeric field, `nil` when absent or null.
        func optional<T>(_ field: Field, _ value: T) -> T? { has(field) ? value : nil }
    }

    /// The keys this path knows; each may appear once.
    private enum Field: UInt32 {
        case type, tNs, t, sensorID, droneID, scanID, detID, seq, nDetections
        case range, azimuth, elevation, lat, lon, alt, state, enu, velENU
        /// Keys whose records the reference path reads (a batched scan; a truth fix's stated accuracy).
        case referenceOnly

        var bit: UInt32 { 1 << rawValue }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> DecodedJSONRecord? {
        var reader = Reader(bytes: bytes)
        var fields = Fields()
        guard reader.object(into: &fields), reader.atEnd() else { return nil }
        return build(&fields, reader)
    }

    // MARK: Building and checking a record (the same rules as WireRecord)

    private static func time(_ f: Fields) -> Timestamp? {
        var fromSeconds: Timestamp?
        if f.has(.t) {
            guard let time = Timestamp(secondsSinceEpoch: f.t) else { return nil }
            fromSeconds = time
        }
        if f.has(.tNs) { return Timestamp(nanosecondsSinceEpoch: f.tNs) }
        return fromSeconds
    }

    /// An optional non-negative integer: `.some(nil)` when absent or null, `nil` when negative.
    private static func unsigned(_ f: Fields, _ field: Field, _ v: Int64) -> UInt64?? {
        guard f.has(field) else { return .some(nil) }
        return v >= 0 ? .some(UInt64(v)) : nil
    }

    private static func finite(_ f: Fields, _ field: Field, _ v: Double, _ range: ClosedRange<Double>) -> Bool {
        !f.has(field) || (v.isFinite && range.contains(v))
    }

    private static func text(_ id: Identifier, _ reader: Reader) -> String {
        id.isNumber ? String(id.number) : reader.text(id.text)
    }

    /// `f` is passed `inout` only so that it is not copied (256 bytes) on the way in.
    private static func build(_ f: inout Fields, _ reader: Reader) -> DecodedJSONRecord? {
        guard let type = f.type, let seqField = unsigned(f, .seq, f.seq) else { return nil }
        let record: TelemetryRecord
        switch type {
        case .detection:
            guard let time = time(f), f.has(.sensorID), f.has(.scanID), f.scanID >= 0,
                  let detField = unsigned(f, .detID, f.detID), f.has(.azimuth),
                  finite(f, .azimuth, f.azimuth, 0...360), finite(f, .range, f.range, 0...Double.greatestFiniteMagnitude),
                  finite(f, .elevation, f.elevation, -90...90)
            else { return nil }
            record = .detection(Detection(time: time, sensorID: text(f.sensorID, reader), scanID: UInt64(f.scanID), detectionID: detField,
                                          range: f.optional(.range, f.range), azimuth: f.azimuth,
                                          elevation: f.optional(.elevation, f.elevation),
                                          groundTruthLabel: f.has(.droneID) ? text(f.droneID, reader) : nil))
        case .scan:
            guard let time = time(f), f.has(.sensorID), f.has(.scanID), f.scanID >= 0,
                  let count = unsigned(f, .nDetections, f.nDetections) else { return nil }
            record = .scan(ScanReport(time: time, sensorID: text(f.sensorID, reader), scanID: UInt64(f.scanID),
                                      detectionCount: count.map { Int(clamping: $0) }))
        case .truth:
            guard let time = time(f), f.has(.droneID), f.has(.lat), f.has(.lon), f.has(.alt),
                  finite(f, .lat, f.lat, -90...90), finite(f, .lon, f.lon, -180...180), f.alt.isFinite else { return nil }
            record = .truth(TruthFix(time: time, droneID: text(f.droneID, reader),
                                     position: GeodeticPosition(latitude: f.lat, longitude: f.lon, ellipsoidalHeight: f.alt),
                                     enu: f.optional(.enu, f.enu), velocityENU: f.optional(.velENU, f.velENU),
                                     clock: .message, heightReference: .ellipsoid))
        case .status:
            guard let time = time(f), f.has(.sensorID), f.has(.lat), f.has(.lon), f.has(.alt),
                  finite(f, .lat, f.lat, -90...90), finite(f, .lon, f.lon, -180...180), f.alt.isFinite else { return nil }
            var state = SensorState.ok
            if f.has(.state) {
                guard let s = SensorState(rawValue: reader.text(f.state)) else { return nil }
                state = s
            }
            record = .status(SensorStatus(time: time, sensorID: text(f.sensorID, reader),
                                          position: GeodeticPosition(latitude: f.lat, longitude: f.lon, ellipsoidalHeight: f.alt),
                                          state: state))
        }
        return DecodedJSONRecord(record: record, sequenceNumber: seqField)
    }

    // MARK: Reading

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// Skips whitespace: runs of spaces (padding, indentation) eight at a time.
        mutating func skipSpace() {
            if let base = bytes.baseAddress {
                while i + 8 <= bytes.count, base.loadUnaligned(fromByteOffset: i, as: UInt64.self) == 0x2020_2020_2020_2020 { i += 8 }
            }
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func atEnd() -> Bool {
            skipSpace()
            return i == bytes.count
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        /// The bytes of `word` (eight, the first in the lowest bits) that a plain string stops at: a
        /// quote, a backslash, a control character or a byte past ASCII, each marked by its high bit.
        /// Marks above the first may be spurious (a borrow carried between bytes); the lowest mark is
        /// always exact. (The zero-byte test `(x − 0x01…) & ~x & 0x80…`, as in Anderson's "Bit
        /// Twiddling Hacks".)
        static func stops(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            let zeroInQuote = (quote &- ones) & ~quote
            let zeroInBackslash = (backslash &- ones) & ~backslash
            let below0x20 = (word &- ones &* 0x20) & ~word
            return (zeroInQuote | zeroInBackslash | below0x20 | word) & high
        }

        /// A string without escapes, ASCII only; returns its byte range. Eight bytes at a time, going
        /// straight to the first byte that ends it.
        mutating func rawString() -> Range<Int>? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = i
            if let base = bytes.baseAddress {
                while i + 8 <= bytes.count {
                    let stops = Self.stops(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                    if stops == 0 {
                        i += 8
                        continue
                    }
                    i += stops.trailingZeroBitCount >> 3
                    guard bytes[i] == UInt8(ascii: "\"") else { return nil }
                    i += 1
                    return start..<(i - 1)
                }
            }
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return start..<(i - 1)
                }
                if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return nil }
                i += 1
            }
            return nil
        }

        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
            guard range.count == literal.utf8CodeUnitCount else { return false }
            let p = literal.utf8Start
            for k in 0..<range.count where bytes[range.lowerBound + k] != p[k] { return false }
            return true
        }

        /// The known field a key names, found by its length first; `nil` for any other key.
        func field(_ key: Range<Int>) -> Field? {
            switch key.count {
            case 1: return equals(key, "t") ? .t : nil
            case 3:
                if equals(key, "seq") { return .seq }
                if equals(key, "lat") { return .lat }
                if equals(key, "lon") { return .lon }
                if equals(key, "alt") { return .alt }
                return equals(key, "enu") ? .enu : nil
            case 4:
                if equals(key, "type") { return .type }
                return equals(key, "t_ns") ? .tNs : nil
            case 5: return equals(key, "state") ? .state : nil
            case 6: return equals(key, "det_id") ? .detID : nil
            case 7:
                if equals(key, "scan_id") { return .scanID }
                if equals(key, "range_m") { return .range }
                if equals(key, "vel_enu") { return .velENU }
                return equals(key, "h_acc_m") || equals(key, "v_acc_m") ? .referenceOnly : nil
            case 8: return equals(key, "drone_id") ? .droneID : nil
            case 9: return equals(key, "sensor_id") ? .sensorID : nil
            case 10: return equals(key, "detections") ? .referenceOnly : nil
            case 11: return equals(key, "azimuth_deg") ? .azimuth : nil
            case 12: return equals(key, "n_detections") ? .nDetections : nil
            case 13: return equals(key, "elevation_deg") ? .elevation : nil
            default: return nil
            }
        }

        /// A number token in JSON's grammar, read once.
        mutating func number() -> JSONNumber? {
            skipSpace()
            guard let n = JSONNumber.scan(bytes, from: i) else { return nil }
            i = n.end
            return n
        }

        /// The value of a number, correctly rounded like Foundation's parser; `nil` when not finite.
        func double(_ n: JSONNumber) -> Double? {
            let value = n.exactDouble ?? strtod(n)
            return value.isFinite ? value : nil
        }

        /// The C library's correctly rounded `strtod`, for the numbers the exact path leaves.
        func strtod(_ n: JSONNumber) -> Double {
            let range = n.start..<n.end
            guard range.count < 64 else { return .nan }
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
                for k in 0..<range.count { buffer[k] = CChar(bitPattern: bytes[range.lowerBound + k]) }
                buffer[range.count] = 0
                return Foundation.strtod(buffer.baseAddress!, nil)
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            skipSpace()
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
            i += n
            return true
        }

        /// `[a, b, c]` of three numbers.
        mutating func vector() -> SIMD3<Double>? {
            guard expect(UInt8(ascii: "[")) else { return nil }
            var v = SIMD3<Double>()
            for k in 0..<3 {
                if k > 0, !expect(UInt8(ascii: ",")) { return nil }
                guard let n = number(), let x = double(n) else { return nil }
                v[k] = x
            }
            return expect(UInt8(ascii: "]")) ? v : nil
        }

        /// A scalar value, for a field this path does not need: skipped if it is simple, else `nil`.
        mutating func skipScalar() -> Bool {
            skipSpace()
            guard i < bytes.count else { return false }
            switch bytes[i] {
            case UInt8(ascii: "\""): return rawString() != nil
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "["):
                // Only a flat list of numbers (enu, vel): anything deeper goes to the reference path.
                i += 1
                if expect(UInt8(ascii: "]")) { return true }
                repeat {
                    guard number() != nil else { return false }
                } while expect(UInt8(ascii: ","))
                return expect(UInt8(ascii: "]"))
            default: return number() != nil
            }
        }

        /// An identifier: a plain integer or a non-empty plain string, or `null` when `false` is
        /// returned in `present`; `nil` for anything else.
        mutating func identifier(_ id: inout Identifier) -> Bool? {
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "\"") {
                guard let r = rawString(), !r.isEmpty else { return nil }
                id.text = r
                return true
            }
            if literal("null") { return false }
            guard let value = number()?.integer else { return nil }
            id.number = value
            id.isNumber = true
            return true
        }

        /// An integer or `null` (answering `false`).
        mutating func optionalInteger(_ value: inout Int64) -> Bool? {
            if literal("null") { return false }
            guard let v = number()?.integer else { return nil }
            value = v
            return true
        }

        /// A finite number or `null` (answering `false`).
        mutating func optionalDouble(_ value: inout Double) -> Bool? {
            if literal("null") { return false }
            guard let n = number(), let v = double(n) else { return nil }
            value = v
            return true
        }

        /// Three numbers or `null` (answering `false`).
        mutating func optionalVector(_ value: inout SIMD3<Double>) -> Bool? {
            if literal("null") { return false }
            guard let v = vector() else { return nil }
            value = v
            return true
        }

        /// The record type named by `range`, when this path reads it.
        func recordType(_ range: Range<Int>) -> RecordType? {
            if equals(range, "detection") { return .detection }
            if equals(range, "scan") { return .scan }
            if equals(range, "truth") { return .truth }
            return equals(range, "status") ? .status : nil
        }

        /// Reads the object into `f`; `false` when this path cannot decide.
        mutating func object(into f: inout Fields) -> Bool {
            guard expect(UInt8(ascii: "{")) else { return false }
            if expect(UInt8(ascii: "}")) { return true }
            repeat {
                guard let key = rawString(), expect(UInt8(ascii: ":")) else { return false }
                guard let field = field(key) else {
                    guard skipScalar() else { return false }
                    continue
                }
                // Each known key once: a repeat goes to the reference path, which knows the rule.
                if field == .referenceOnly || f.seen & field.bit != 0 { return false }
                f.seen |= field.bit
                let present: Bool?
                switch field {
                case .type:
                    guard let r = rawString(), let type = recordType(r) else { return false }
                    f.type = type
                    present = true
                case .tNs: present = optionalInteger(&f.tNs)
                case .t: present = optionalDouble(&f.t)
                case .sensorID: present = identifier(&f.sensorID)
                case .droneID: present = identifier(&f.droneID)
                case .scanID: present = optionalInteger(&f.scanID)
                case .detID: present = optionalInteger(&f.detID)
                case .seq: present = optionalInteger(&f.seq)
                case .nDetections: present = optionalInteger(&f.nDetections)
                case .range: present = optionalDouble(&f.range)
                case .azimuth: present = optionalDouble(&f.azimuth)
                case .elevation: present = optionalDouble(&f.elevation)
                case .lat: present = optionalDouble(&f.lat)
                case .lon: present = optionalDouble(&f.lon)
                case .alt: present = optionalDouble(&f.alt)
                case .state:
                    if literal("null") {
                        present = false
                    } else {
                        guard let r = rawString() else { return false }
                        f.state = r
                        present = true
                    }
                case .enu: present = optionalVector(&f.enu)
                case .velENU: present = optionalVector(&f.velENU)
                case .referenceOnly: return false
                }
                guard let present else { return false }
                if present { f.present |= field.bit }
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "}"))
        }
    }
}
