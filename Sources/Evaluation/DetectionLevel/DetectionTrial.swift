// One detection opportunity: a drone within a sensor's range at one of its scans, and whether it was seen.
public import TelemetryModel

/// One trial of detection-level scoring: an airborne drone within the sensor's maximum range at one
/// scan, and whether a detection of that scan was associated with it.
///
/// The trials of one (sensor, drone) pair in scan order are the sequence whose correlation the
/// report's effective-sample-size interval measures (successive scans of one drone share aspect,
/// multipath and masking, so they are not independent Bernoulli trials).
public struct DetectionTrial: Hashable, Sendable {
    /// The scan time.
    public var time: Timestamp
    /// The drone.
    public var droneID: String
    /// The drone's true slant range from the sensor, metres.
    public var range: Double
    /// Whether the drone was detected in this scan.
    public var hit: Bool

    /// Creates a trial.
    public init(time: Timestamp, droneID: String, range: Double, hit: Bool) {
        self.time = time
        self.droneID = droneID
        self.range = range
        self.hit = hit
    }
}
