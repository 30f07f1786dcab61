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
/// A scan cut short (a new header before all n detections arrived) is released with what it has and
/// counted in `incompleteScans`; nothing is dropped. Other records pass through untouched.
public struct ScanAssembler: Sendable {
    private var open: [String: SensorScan] = [:]
    private var expected: [String: Int] = [:]
    /// Scans released with fewer detections than their header announced.
    public private(set) var incompleteScans = 0

    /// Creates an assembler.
    public init() {}

    /// Feeds one record; returns the scans it completes, in order.
    public mutating func add(_ record: TelemetryRecord) -> [SensorScan] {
        switch record {
        case .scan(let scan):
            var done = close(scan.sensorID)
            let header = SensorScan(time: scan.time, sensorID: scan.sensorID, scanID: scan.scanID, detections: scan.detections ?? [])
            if scan.detections != nil || scan.detectionCount == 0 {
                done.append(header)
            } else {
                open[scan.sensorID] = header
                expected[scan.sensorID] = scan.detectionCount
            }
            return done
        case .detection(let detection):
            var done: [SensorScan] = []
            if let current = open[detection.sensorID], current.scanID != detection.scanID || current.time != detection.time {
                done = close(detection.sensorID)
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
            return []
        }
    }

    /// Releases every open scan (at the end of a feed), in sensor-id order.
    public mutating func finish() -> [SensorScan] {
        open.keys.sorted().flatMap { close($0) }
    }

    private mutating func close(_ sensor: String) -> [SensorScan] {
        guard let scan = open.removeValue(forKey: sensor) else { return [] }
        if let count = expected.removeValue(forKey: sensor), scan.detections.count < count { incompleteScans += 1 }
        return [scan]
    }
}
