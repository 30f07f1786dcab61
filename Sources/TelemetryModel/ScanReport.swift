// A sensor scan: a time step, with its detections when batched.

/// A scan header, and in the batched form the scan's detections.
public struct ScanReport: Hashable, Sendable {
    /// The scan time.
    public var time: Timestamp
    /// The scanning sensor.
    public var sensorID: String
    /// The sensor's scan counter.
    public var scanID: UInt64
    /// How many detections the scan has, when the sender says.
    public var detectionCount: Int?
    /// The detections, when the scan is sent batched; `nil` when they follow as their own records.
    public var detections: [Detection]?

    /// Creates a scan.
    public init(time: Timestamp, sensorID: String, scanID: UInt64, detectionCount: Int? = nil, detections: [Detection]? = nil) {
        self.time = time
        self.sensorID = sensorID
        self.scanID = scanID
        self.detectionCount = detectionCount
        self.detections = detections
    }
}
