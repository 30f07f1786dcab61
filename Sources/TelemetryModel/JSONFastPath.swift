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
    private struct Fields {
        var type: String?
        var tNs: Int64?, t: Double?
        var sensorID: String?, droneID: String??, scanID: Int64?, detID: Int64?, seq: Int64?, nDetections: Int64?
        var range: Double?, azimuth: Double?, elevation: Double?
        var lat: Double?, lon: Double?, alt: Double?
        var state: String?
        var enu: SIMD3<Double>?, velENU: SIMD3<Double>?
        var seen: UInt32 = 0
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> DecodedJSONRecord? {
        var reader = Reader(bytes: bytes)
        guard let fields = reader.object(), reader.atEnd() else { return nil }
        return build(fields)
    }

    // MARK: Building and checking a record (the same rules as WireRecord)

    private static func time(_ f: Fields) -> Timestamp? {
        var fromSeconds: Timestamp?
        if let t = f.t {
            guard let time = Timestamp(secondsSinceEpoch: t) else { return nil }
            fromSeconds = time
        }
        if let ns = f.tNs { return Timestamp(nanosecondsSinceEpoch: ns) }
        return fromSeconds
    }

    private static func unsigned(_ v: Int64?) -> UInt64?? {
        guard let v else { return .some(nil) }
        return v >= 0 ? .some(UInt64(v)) : nil
    }

    private static func finite(_ v: Double?, _ range: ClosedRange<Double>) -> Bool {
        guard let v else { return true }
        return v.isFinite && range.contains(v)
    }

    private static func build(_ f: Fields) -> DecodedJSONRecord? {
        guard let type = f.type, let seqField = unsigned(f.seq) else { return nil }
        let record: TelemetryRecord
        switch type {
        case "detection":
            guard let time = time(f), let sensor = f.sensorID, let scanID = f.scanID, scanID >= 0,
                  let detField = unsigned(f.detID), let azimuth = f.azimuth,
                  finite(azimuth, 0...360), finite(f.range, 0...Double.greatestFiniteMagnitude), finite(f.elevation, -90...90)
            else { return nil }
            record = .detection(Detection(time: time, sensorID: sensor, scanID: UInt64(scanID), detectionID: detField,
                                          range: f.range, azimuth: azimuth, elevation: f.elevation,
                                          groundTruthLabel: f.droneID ?? nil))
        case "scan":
            guard let time = time(f), let sensor = f.sensorID, let scanID = f.scanID, scanID >= 0,
                  let count = unsigned(f.nDetections) else { return nil }
            record = .scan(ScanReport(time: time, sensorID: sensor, scanID: UInt64(scanID), detectionCount: count.map { Int(clamping: $0) }))
        case "truth":
            guard let time = time(f), let drone = f.droneID ?? nil, let lat = f.lat, let lon = f.lon, let alt = f.alt,
                  finite(lat, -90...90), finite(lon, -180...180), alt.isFinite else { return nil }
            record = .truth(TruthFix(time: time, droneID: drone, position: GeodeticPosition(latitude: lat, longitude: lon, ellipsoidalHeight: alt),
                                     enu: f.enu, velocityENU: f.velENU, clock: .message, heightReference: .ellipsoid))
        case "status":
            guard let time = time(f), let sensor = f.sensorID, let lat = f.lat, let lon = f.lon, let alt = f.alt,
                  finite(lat, -90...90), finite(lon, -180...180), alt.isFinite else { return nil }
            var state = SensorState.ok
            if let text = f.state {
                guard let s = SensorState(rawValue: text) else { return nil }
                state = s
            }
            record = .status(SensorStatus(time: time, sensorID: sensor, position: GeodeticPosition(latitude: lat, longitude: lon, ellipsoidalHeight: alt),
                                          state: state))
        default:
            return nil
        }
        return DecodedJSONRecord(record: record, sequenceNumber: seqField)
    }

    // MARK: Reading

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func skipSpace() {
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

        /// A string without escapes, ASCII only; returns its byte range.
        mutating func rawString() -> Range<Int>? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = i
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

        /// A JSON number token in canonical JSON grammar; `integral` when it has no fraction or exponent.
        mutating func numberToken() -> (Range<Int>, integral: Bool)? {
            skipSpace()
            let start = i
            func digit(_ k: Int) -> Bool { k < bytes.count && bytes[k] >= 0x30 && bytes[k] <= 0x39 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return nil }
            if bytes[i] == 0x30 {
                i += 1
                if digit(i) { return nil }     // no leading zeros
            } else {
                while digit(i) { i += 1 }
            }
            var integral = true
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                integral = false
                i += 1
                guard digit(i) else { return nil }
                while digit(i) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                integral = false
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digit(i) else { return nil }
                while digit(i) { i += 1 }
            }
            return (start..<i, integral)
        }

        func integer(_ range: Range<Int>) -> Int64? {
            var k = range.lowerBound
            let negative = bytes[k] == UInt8(ascii: "-")
            if negative { k += 1 }
            var value: Int64 = 0
            while k < range.upperBound {
                let d = Int64(bytes[k] - 0x30)
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
                if o1 || o2 { return nil }
                value = s
                k += 1
            }
            return value
        }

        /// Correctly rounded, like Foundation's parser (both use a correctly rounded strtod).
        func double(_ range: Range<Int>) -> Double? {
            guard range.count < 64 else { return nil }
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
                for k in 0..<range.count { buffer[k] = CChar(bitPattern: bytes[range.lowerBound + k]) }
                buffer[range.count] = 0
                let value = strtod(buffer.baseAddress!, nil)
                return value.isFinite ? value : nil
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
                guard let (token, _) = numberToken(), let x = double(token) else { return nil }
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
                    guard numberToken() != nil else { return false }
                } while expect(UInt8(ascii: ","))
                return expect(UInt8(ascii: "]"))
            default: return numberToken() != nil
            }
        }

        /// An identifier: a plain integer or a non-empty plain string; `null` when allowed.
        mutating func identifier() -> String?? {
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "\"") {
                guard let r = rawString(), !r.isEmpty else { return nil }
                return .some(text(r))
            }
            if literal("null") { return .some(nil) }
            guard let (token, integral) = numberToken(), integral, let value = integer(token) else { return nil }
            return .some(String(value))
        }

        mutating func optionalInteger() -> Int64?? {
            if literal("null") { return .some(nil) }
            guard let (token, integral) = numberToken(), integral, let value = integer(token) else { return nil }
            return .some(value)
        }

        mutating func optionalDouble() -> Double?? {
            if literal("null") { return .some(nil) }
            guard let (token, _) = numberToken(), let value = double(token) else { return nil }
            return .some(value)
        }

        mutating func optionalVector() -> SIMD3<Double>?? {
            if literal("null") { return .some(nil) }
            guard let v = vector() else { return nil }
            return .some(v)
        }

        mutating func object() -> Fields? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var f = Fields()
            if expect(UInt8(ascii: "}")) { return f }
            repeat {
                guard let key = rawString(), expect(UInt8(ascii: ":")) else { return nil }
                // Each known key once: a repeat goes to the reference path, which knows the rule.
                func once(_ bit: UInt32) -> Bool {
                    if f.seen & bit != 0 { return false }
                    f.seen |= bit
                    return true
                }
                if equals(key, "type") {
                    guard once(1), let r = rawString() else { return nil }
                    f.type = text(r)
                } else if equals(key, "t_ns") {
                    guard once(2), let v = optionalInteger() else { return nil }
                    f.tNs = v
                } else if equals(key, "t") {
                    guard once(4), let v = optionalDouble() else { return nil }
                    f.t = v
                } else if equals(key, "sensor_id") {
                    guard once(8), let v = identifier() else { return nil }
                    f.sensorID = v
                } else if equals(key, "drone_id") {
                    guard once(16), let v = identifier() else { return nil }
                    f.droneID = .some(v)
                } else if equals(key, "scan_id") {
                    guard once(32), let v = optionalInteger() else { return nil }
                    f.scanID = v
                } else if equals(key, "det_id") {
                    guard once(64), let v = optionalInteger() else { return nil }
                    f.detID = v
                } else if equals(key, "seq") {
                    guard once(128), let v = optionalInteger() else { return nil }
                    f.seq = v
                } else if equals(key, "n_detections") {
                    guard once(256), let v = optionalInteger() else { return nil }
                    f.nDetections = v
                } else if equals(key, "range_m") {
                    guard once(512), let v = optionalDouble() else { return nil }
                    f.range = v
                } else if equals(key, "azimuth_deg") {
                    guard once(1024), let v = optionalDouble() else { return nil }
                    f.azimuth = v
                } else if equals(key, "elevation_deg") {
                    guard once(2048), let v = optionalDouble() else { return nil }
                    f.elevation = v
                } else if equals(key, "lat") {
                    guard once(4096), let v = optionalDouble() else { return nil }
                    f.lat = v
                } else if equals(key, "lon") {
                    guard once(8192), let v = optionalDouble() else { return nil }
                    f.lon = v
                } else if equals(key, "alt") {
                    guard once(16384), let v = optionalDouble() else { return nil }
                    f.alt = v
                } else if equals(key, "state") {
                    guard once(32768) else { return nil }
                    if literal("null") { continue }
                    guard let r = rawString() else { return nil }
                    f.state = text(r)
                } else if equals(key, "enu") {
                    guard once(65536), let v = optionalVector() else { return nil }
                    f.enu = v
                } else if equals(key, "vel_enu") {
                    guard once(131072), let v = optionalVector() else { return nil }
                    f.velENU = v
                } else if equals(key, "detections") || equals(key, "h_acc_m") || equals(key, "v_acc_m") {
                    return nil   // a batched scan, or a truth fix's stated accuracy: the reference path reads it
                } else {
                    guard skipScalar() else { return nil }
                }
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "}")) ? f : nil
        }
    }
}
