// When, and how far out, a drone was first detected or first tracked.
public import TelemetryModel

/// The first time a drone was seen by one means (a detection, or a track), and its range then.
public struct FirstContact: Hashable, Sendable, Codable {
    /// When.
    public var time: Timestamp
    /// The drone's true 3-D distance then from the nearest of the caller's reference points, metres.
    public var range: Double
    /// What saw it: the sensor id of the first detection, or the track id of the first track record.
    public var source: String

    /// Creates a first contact.
    public init(time: Timestamp, range: Double, source: String) {
        self.time = time
        self.range = range
        self.source = source
    }
}
