// One sensor detection: a radar plot or an RF bearing.

/// One detection of a scan, in the sensor's own polar frame.
public struct Detection: Hashable, Sendable {
    /// The scan time (every detection of a scan carries it).
    public var time: Timestamp
    /// The sensor that made it.
    public var sensorID: String
    /// The sensor's scan counter.
    public var scanID: UInt64
    /// The sender's detection id, if it numbers them.
    public var detectionID: UInt64?
    /// Slant range from the sensor, metres; `nil` for a bearing-only sensor.
    public var range: Double?
    /// Compass azimuth, degrees clockwise from north, in [0, 360].
    public var azimuth: Double
    /// Elevation above the sensor's horizontal plane, degrees; `nil` for a bearing-only sensor.
    public var elevation: Double?
    /// The ground-truth drone this detection came from (`nil`: clutter or unknown).
    ///
    /// Only a simulator or a scenario file knows it. It is kept for evaluation; a tracker must
    /// never read it.
    public var groundTruthLabel: String?
    /// The class the sensor put the object in (its most confident one), as the sensor names it
    /// (`drone`, `UAV`, `bird`, …; see ``ObjectClass`` for how Haechi scores it).
    public var classification: String?
    /// The sensor's confidence in ``classification``, 0 to 1, when it gave one.
    public var classificationConfidence: Double?

    /// Creates a detection.
    public init(time: Timestamp, sensorID: String, scanID: UInt64, detectionID: UInt64? = nil,
                range: Double?, azimuth: Double, elevation: Double?, groundTruthLabel: String? = nil,
                classification: String? = nil, classificationConfidence: Double? = nil) {
        self.classification = classification
        self.classificationConfidence = classificationConfidence
        self.time = time
        self.sensorID = sensorID
        self.scanID = scanID
        self.detectionID = detectionID
        self.range = range
        self.azimuth = azimuth
        self.elevation = elevation
        self.groundTruthLabel = groundTruthLabel
    }
}
