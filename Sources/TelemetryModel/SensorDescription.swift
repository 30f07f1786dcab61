// A sensor's description and its heartbeat.

/// What a sensor's detections contain.
public enum MeasurementKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A 3-D radar: range, azimuth and elevation.
    case rangeAzimuthElevation = "range_azimuth_elevation"
    /// A bearing-only sensor, such as an RF direction finder: azimuth alone.
    case azimuth
    /// An angle-only imager, such as an EO/IR camera: azimuth and elevation, no range.
    case azimuthElevation = "azimuth_elevation"
}

/// A sensor as a `sensor` record describes it.
public struct SensorDescription: Hashable, Sendable {
    /// The sensor id its detections carry.
    public var sensorID: String
    /// `radar`, `rf`, or the sender's own word.
    public var kind: String
    /// What its detections measure.
    public var measures: MeasurementKind
    /// Its WGS84 position, if given.
    public var position: GeodeticPosition?
    /// Its position in the site frame, if given.
    public var enu: ENUVector?
    /// Scans per second.
    public var scanRateHz: Double?
    /// One-sigma range noise, metres.
    public var sigmaRange: Double?
    /// One-sigma azimuth noise, degrees.
    public var sigmaAzimuth: Double?
    /// One-sigma elevation noise, degrees.
    public var sigmaElevation: Double?
    /// Probability of detection.
    public var detectionProbability: Double?
    /// Instrumented range, metres.
    public var maximumRange: Double?

    /// Creates a description.
    public init(sensorID: String, kind: String, measures: MeasurementKind = .rangeAzimuthElevation,
                position: GeodeticPosition? = nil, enu: ENUVector? = nil, scanRateHz: Double? = nil,
                sigmaRange: Double? = nil, sigmaAzimuth: Double? = nil, sigmaElevation: Double? = nil,
                detectionProbability: Double? = nil, maximumRange: Double? = nil) {
        self.sensorID = sensorID
        self.kind = kind
        self.measures = measures
        self.position = position
        self.enu = enu
        self.scanRateHz = scanRateHz
        self.sigmaRange = sigmaRange
        self.sigmaAzimuth = sigmaAzimuth
        self.sigmaElevation = sigmaElevation
        self.detectionProbability = detectionProbability
        self.maximumRange = maximumRange
    }
}

