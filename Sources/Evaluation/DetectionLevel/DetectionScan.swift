// One scan of one sensor as detection-level scoring takes it: when, from where, and what it saw.
public import TelemetryModel

/// One scan of a sensor: its time, the sensor's position at that time, and every detection it made.
///
/// Detections are in the sensor's polar frame (range in metres, azimuth in degrees clockwise from
/// north, elevation in degrees); a bearing-only sensor's have `range` and `elevation` `nil`. Their
/// own `time` and `sensorID` are not read: the scan's are used. `groundTruthLabel` is never read
/// either, so a system under test's detections score the same as the simulator's.
public struct DetectionScan: Hashable, Sendable {
    /// The scan time, at which truth is interpolated.
    public var time: Timestamp
    /// The scanning sensor.
    public var sensorID: String
    /// The sensor's scan counter, carried into the associations.
    public var scanID: UInt64
    /// The sensor's position in the site's east-north-up frame, metres.
    public var sensorPosition: ENUVector
    /// The scan's detections, in any order; empty when the scan saw nothing.
    public var detections: [Detection]

    /// Creates a scan.
    public init(time: Timestamp, sensorID: String, scanID: UInt64 = 0, sensorPosition: ENUVector, detections: [Detection]) {
        self.time = time
        self.sensorID = sensorID
        self.scanID = scanID
        self.sensorPosition = sensorPosition
        self.detections = detections
    }
}
