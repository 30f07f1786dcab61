// The Decodable reading of one JSON v1 record: dispatch on `type`, then read and check its fields.

/// A string coding key: JSON v1 field names are read by name, so one container serves every record type.
struct FieldKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { self.stringValue = value }
}

typealias Fields = KeyedDecodingContainer<FieldKey>

/// One JSON v1 record. Decoding reads the document once.
struct WireRecord: Decodable {
    let decoded: DecodedJSONRecord

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: FieldKey.self)
        let type = try c.decode(String.self, forKey: "type")
        let record: TelemetryRecord
        switch type {
        case "meta": record = .meta(try Self.meta(c))
        case "sensor": record = .sensor(try Self.sensor(c))
        case "status": record = .status(try Self.status(c))
        case "scan": record = .scan(try Self.scan(c))
        case "detection": record = .detection(try Self.detection(c, inheriting: nil))
        case "truth": record = .truth(try Self.truth(c))
        case "track": record = .track(try Self.track(c))
        default: throw SchemaViolation(message: "type: unknown record type '\(type)'")
        }
        decoded = DecodedJSONRecord(record: record, sequenceNumber: try c.unsigned("seq"))
    }

    private static func meta(_ c: Fields) throws -> ScenarioMeta {
        var origin: GeodeticPosition?
        if c.contains("origin"), try !c.decodeNil(forKey: "origin") {
            let o = try c.nestedContainer(keyedBy: FieldKey.self, forKey: "origin")
            origin = try o.position(prefix: "origin.")
        }
        let epoch = try c.decodeIfPresent(Int64.self, forKey: "epoch_ns").map(Timestamp.init(nanosecondsSinceEpoch:))
        return ScenarioMeta(format: try c.decode(String.self, forKey: "format"), origin: origin, epoch: epoch,
                            durationSeconds: try c.finiteIfPresent("duration_s"),
                            seed: try c.decodeIfPresent(Int64.self, forKey: "seed"),
                            truthStepSeconds: try c.finiteIfPresent("truth_dt_s"))
    }

    private static func sensor(_ c: Fields) throws -> SensorDescription {
        // A sensor's position is all of lat, lon and alt, or none of them.
        let position = c.contains("lat") || c.contains("lon") || c.contains("alt") ? try c.position(prefix: "") : nil
        let measures = try c.decodeIfPresent(String.self, forKey: "measures").map { text in
            guard let kind = MeasurementKind(rawValue: text) else {
                throw SchemaViolation(message: "measures: '\(text)' is not range_azimuth_elevation, azimuth or azimuth_elevation")
            }
            return kind
        } ?? .rangeAzimuthElevation
        return SensorDescription(
            sensorID: try c.identifier("sensor_id"), kind: try c.decode(String.self, forKey: "kind"),
            measures: measures, position: position, enu: try c.vector("enu"),
            scanRateHz: try c.finiteIfPresent("scan_rate_hz", atLeast: 0),
            sigmaRange: try c.finiteIfPresent("sigma_range_m", atLeast: 0),
            sigmaAzimuth: try c.finiteIfPresent("sigma_azimuth_deg", atLeast: 0),
            sigmaElevation: try c.finiteIfPresent("sigma_elevation_deg", atLeast: 0),
            detectionProbability: try c.finiteIfPresent("pd", in: 0...1),
            maximumRange: try c.finiteIfPresent("max_range_m", atLeast: 0))
    }

    private static func status(_ c: Fields) throws -> SensorStatus {
        let state = try c.decodeIfPresent(String.self, forKey: "state").map { text in
            guard let state = SensorState(rawValue: text) else {
                throw SchemaViolation(message: "state: '\(text)' is not ok, degraded or fault")
            }
            return state
        } ?? .ok
        return SensorStatus(time: try c.time(), sensorID: try c.identifier("sensor_id"),
                            position: try c.position(prefix: ""), state: state)
    }

    private static func scan(_ c: Fields) throws -> ScanReport {
        let time = try c.time()
        let sensorID = try c.identifier("sensor_id")
        let scanID = try c.requiredUnsigned("scan_id")
        let count = try c.unsigned("n_detections").map { Int(clamping: $0) }
        var detections: [Detection]?
        if c.contains("detections"), try !c.decodeNil(forKey: "detections") {
            var list = try c.nestedUnkeyedContainer(forKey: "detections")
            var batch: [Detection] = []
            if let n = list.count { batch.reserveCapacity(n) }
            let header = ScanReport(time: time, sensorID: sensorID, scanID: scanID)
            while !list.isAtEnd {
                let index = list.currentIndex
                let element = try list.nestedContainer(keyedBy: FieldKey.self)
                do {
                    batch.append(try detection(element, inheriting: header))
                } catch let violation as SchemaViolation {
                    throw SchemaViolation(message: "detections[\(index)].\(violation.message)")
                }
            }
            if let count, count != batch.count {
                throw SchemaViolation(message: "n_detections: says \(count) but detections holds \(batch.count)")
            }
            detections = batch
        }
        return ScanReport(time: time, sensorID: sensorID, scanID: scanID, detectionCount: count, detections: detections)
    }

    /// A detection; in a batched scan, time, sensor and scan come from the scan.
    private static func detection(_ c: Fields, inheriting scan: ScanReport?) throws -> Detection {
        let range = try c.finiteIfPresent("range_m", atLeast: 0)
        let azimuth = try c.finite("azimuth_deg", in: 0...360)
        let elevation = try c.finiteIfPresent("elevation_deg", in: -90...90)
        return Detection(
            time: try scan?.time ?? c.time(),
            sensorID: try scan?.sensorID ?? c.identifier("sensor_id"),
            scanID: try scan?.scanID ?? c.requiredUnsigned("scan_id"),
            detectionID: try c.unsigned("det_id"),
            range: range, azimuth: azimuth, elevation: elevation,
            groundTruthLabel: try c.optionalIdentifier("drone_id"))
    }

    private static func truth(_ c: Fields) throws -> TruthFix {
        var fix = TruthFix(time: try c.time(), droneID: try c.identifier("drone_id"), position: try c.position(prefix: ""),
                           enu: try c.vector("enu"), velocityENU: try c.vector("vel_enu"),
                           clock: .message, heightReference: .ellipsoid)
        fix.horizontalAccuracy = try c.finiteIfPresent("h_acc_m", atLeast: 0)
        fix.verticalAccuracy = try c.finiteIfPresent("v_acc_m", atLeast: 0)
        return fix
    }

    private static func track(_ c: Fields) throws -> TrackReport {
        guard let enu = try c.vector("enu") else { throw SchemaViolation(message: "enu: required field is missing") }
        return TrackReport(time: try c.time(), trackID: try c.identifier("track_id"), enu: enu,
                           velocity: try c.vector("vel"), status: try c.decodeIfPresent(String.self, forKey: "status"),
                           sensorID: try c.optionalIdentifier("sensor_id"))
    }
}

extension KeyedDecodingContainer where Key == FieldKey {
    /// `t_ns` (integer nanoseconds) wins over `t` (float seconds); one of them is required, and a
    /// `t` that is present must be a valid time even when `t_ns` wins.
    func time() throws -> Timestamp {
        let nanoseconds = try decodeIfPresent(Int64.self, forKey: "t_ns")
        var fromSeconds: Timestamp?
        if let seconds = try decodeIfPresent(Double.self, forKey: "t") {
            guard let time = Timestamp(secondsSinceEpoch: seconds) else { throw SchemaViolation(message: "t: \(seconds) is not a time") }
            fromSeconds = time
        }
        if let nanoseconds { return Timestamp(nanosecondsSinceEpoch: nanoseconds) }
        guard let fromSeconds else { throw SchemaViolation(message: "t_ns: a timed record needs t_ns or t") }
        return fromSeconds
    }

    /// An id that may be sent as an integer or a string; kept as text.
    func identifier(_ key: FieldKey) throws -> String {
        guard let id = try optionalIdentifier(key) else {
            throw SchemaViolation(message: "\(key.stringValue): required field is missing")
        }
        return id
    }

    func optionalIdentifier(_ key: FieldKey) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let number = try? decode(Int64.self, forKey: key) { return String(number) }
        if let text = try? decode(String.self, forKey: key), !text.isEmpty { return text }
        throw SchemaViolation(message: "\(key.stringValue): expected an integer or a non-empty string")
    }

    func unsigned(_ key: FieldKey) throws -> UInt64? {
        guard let value = try decodeIfPresent(Int64.self, forKey: key) else { return nil }
        guard value >= 0 else { throw SchemaViolation(message: "\(key.stringValue): \(value) is negative") }
        return UInt64(value)
    }

    func requiredUnsigned(_ key: FieldKey) throws -> UInt64 {
        guard let value = try unsigned(key) else { throw SchemaViolation(message: "\(key.stringValue): required field is missing") }
        return value
    }

    func finite(_ key: FieldKey, in range: ClosedRange<Double>? = nil) throws -> Double {
        guard let value = try finiteIfPresent(key, in: range) else {
            throw SchemaViolation(message: "\(key.stringValue): required field is missing")
        }
        return value
    }

    func finiteIfPresent(_ key: FieldKey, in range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let value = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard value.isFinite else { throw SchemaViolation(message: "\(key.stringValue): not a finite number") }
        if let range, !range.contains(value) {
            throw SchemaViolation(message: "\(key.stringValue): \(value) is outside [\(range.lowerBound), \(range.upperBound)]")
        }
        return value
    }

    func finiteIfPresent(_ key: FieldKey, atLeast minimum: Double) throws -> Double? {
        try finiteIfPresent(key, in: minimum...Double.greatestFiniteMagnitude)
    }

    /// `lat`, `lon`, `alt`, all required, checked for range.
    func position(prefix: String) throws -> GeodeticPosition {
        do {
            return GeodeticPosition(latitude: try finite("lat", in: -90...90), longitude: try finite("lon", in: -180...180),
                                    ellipsoidalHeight: try finite("alt"))
        } catch let violation as SchemaViolation {
            throw SchemaViolation(message: prefix + violation.message)
        }
    }

    /// An optional array of exactly three finite numbers.
    func vector(_ key: FieldKey) throws -> ENUVector? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let values = try decode([Double].self, forKey: key)
        guard values.count == 3, values.allSatisfy(\.isFinite) else {
            throw SchemaViolation(message: "\(key.stringValue): expected three finite numbers")
        }
        return ENUVector(values[0], values[1], values[2])
    }
}
