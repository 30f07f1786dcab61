// A sensor's heartbeat: where it is and how it is.

/// A sensor's health as its heartbeat reports it.
public enum SensorState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Working.
    case ok
    /// Working with reduced performance.
    case degraded
    /// Not working.
    case fault
}

/// A sensor's heartbeat: where it is and how it is.
public struct SensorStatus: Hashable, Sendable {
    /// When the sensor said so.
    public var time: Timestamp
    /// The sensor.
    public var sensorID: String
    /// Its WGS84 position.
    public var position: GeodeticPosition
    /// Its health.
    public var state: SensorState

    /// Creates a status.
    public init(time: Timestamp, sensorID: String, position: GeodeticPosition, state: SensorState = .ok) {
        self.time = time
        self.sensorID = sensorID
        self.position = position
        self.state = state
    }
}
