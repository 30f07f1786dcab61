// One detection paired with the drone it came from.
public import Geodesy
public import TelemetryModel

/// A detection that detection-level scoring associated with a drone.
public struct DetectionAssociation: Hashable, Sendable {
    /// The scan time.
    public var time: Timestamp
    /// The sensor.
    public var sensorID: String
    /// The scan's counter.
    public var scanID: UInt64
    /// The drone.
    public var droneID: String
    /// The detection as the sensor reported it.
    public var detection: Detection
    /// The drone's true position at the scan time, in the sensor's polar coordinates.
    public var truth: PolarMeasurement

    /// Creates an association.
    public init(time: Timestamp, sensorID: String, scanID: UInt64, droneID: String, detection: Detection, truth: PolarMeasurement) {
        self.time = time
        self.sensorID = sensorID
        self.scanID = scanID
        self.droneID = droneID
        self.detection = detection
        self.truth = truth
    }
}
