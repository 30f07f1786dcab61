// Gathers the records of a feed into whole sensor scans, the tracker's steps.
public import TelemetryModel

/// Turns a stream of records into `SensorScan`s.
///
/// - A batched `scan` (with its `detections`) is a whole scan at once.
/// - A `scan` header with `n_detections` = n opens a scan; the next n `detection`s of that sensor and
///   scan id complete it, and it is released with the n-th. A header with n = 0 is released at once.
/// - Detections with no header are grouped by sensor and scan id, and released when that sensor's
///   next scan id, or the end of the feed, shows the scan is over.
///
/// Sensor feeds are in time order, so a scan or detection later than an open scan ends it: that scan is released
/// first, with what it has. A scan cut short (fewer than its n detections when it ends: one was
/// lost or malformed) is counted in `incompleteScans`; nothing is dropped, and one bad detection
/// cannot hold back the scan until the sensor's next one (which would put it behind other sensors'
/// later scans). Other records pass through untouched.
public struct ScanAssembler: Sendable {
    private var open: [String: SensorScan] = [:]
    private var expected: [String: Int] = [:]
    /// Scans released with fewer detections than their header announced.
    public private(set) var incompleteScans = 0

    /// Creates an assembler.
    public init() {}

    /// Feeds one record; returns the scans it completes, in order.
    public mutating func add(_ record: TelemetryRecord) -> [SensorScan] {
        var done: [SensorScan] = []
        // Only sensor data ends scans: truth and status come from other senders, on other clocks.
        let isSensorData = switch record { case .scan, .detection: true; default: false }
        // `contains` first: the common case (nothing older open) allocates nothing.
        if isSensorData, let time = record.time, open.values.contains(where: { $0.time < time }) {
            // Open scans older than this record are over, in time order (then sensor id).
            let ended = open.values.filter { $0.time < time }.sorted { ($0.time, $0.sensorID) < ($1.time, $1.sensorID) }
            for scan in ended { done.append(contentsOf: close(scan.sensorID)) }
        }
        switch record {
        case .scan(let scan):
            done.append(contentsOf: close(scan.sensorID))
            let header = SensorScan(time: scan.time, sensorID: scan.sensorID, scanID: scan.scanID, detections: scan.detections ?? [])
            if scan.detections != nil || scan.detectionCount == 0 {
                done.append(header)
            } else {
                open[scan.sensorID] = header
                expected[scan.sensorID] = scan.detectionCount
            }
            return done
        case .detection(let detection):
            if let current = open[detection.sensorID], current.scanID != detection.scanID || current.time != detection.time {
                done.append(contentsOf: close(detection.sensorID))
            }
            if open[detection.sensorID] == nil {
                open[detection.sensorID] = SensorScan(time: detection.time, sensorID: detection.sensorID, scanID: detection.scanID, detections: [])
            }
            open[detection.sensorID]!.detections.append(detection)
            if let count = expected[detection.sensorID], open[detection.sensorID]!.detections.count >= count {
                done.append(contentsOf: close(detection.sensorID))
            }
            return done
        default:
            return done
        }
    }

    /// Releases every open scan (at the end of a feed), in time order, then sensor-id order.
    public mutating func finish() -> [SensorScan] {
        open.values.sorted { ($0.time, $0.sensorID) < ($1.time, $1.sensorID) }.flatMap { close($0.sensorID) }
    }

    private mutating func close(_ sensor: String) -> [SensorScan] {
        guard let scan = open.removeValue(forKey: sensor) else { return [] }
        if let count = expected.removeValue(forKey: sensor), scan.detections.count < count { incompleteScans += 1 }
        return [scan]
    }
}
