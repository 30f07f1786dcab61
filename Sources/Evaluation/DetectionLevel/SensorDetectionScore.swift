// Everything detection-level scoring finds for one sensor.

/// The detection-level score of one sensor (see ``DetectionLevelEvaluator`` for the rules).
public struct SensorDetectionScore: Hashable, Sendable {
    /// The sensor.
    public var sensorID: String
    /// Scans scored.
    public var scanCount: Int
    /// Detections in those scans.
    public var detectionCount: Int
    /// The sensor's maximum range used to decide trials, metres; `nil`: every airborne drone is a trial.
    public var maximumRange: Double?
    /// The gate used.
    public var gate: PolarDetectionGate
    /// All trials and hits, whatever the range (including those outside every bin).
    public var overall: DetectionTally
    /// Trials and hits per range bin.
    public var rangeBins: [RangeBinTally]
    /// Detections associated with no drone.
    public var falseAlarms: FalseAlarmTally
    /// Range error of associated detections that report a range, metres; `nil` when none do.
    public var rangeError: MeasurementErrorSummary?
    /// Azimuth error of associated detections, degrees, wrapped into [−180°, 180°); `nil` when none.
    public var azimuthError: MeasurementErrorSummary?
    /// Elevation error of associated detections that report an elevation, degrees; `nil` when none do.
    public var elevationError: MeasurementErrorSummary?
    /// Every association, in scan order and, within a scan, in drone-id order.
    public var associations: [DetectionAssociation]
    /// Associations with a drone beyond the maximum range: neither a hit (there was no trial) nor
    /// a false alarm. They are in ``associations`` and in the error summaries.
    public var associationsBeyondMaximumRange: Int
    /// Every trial, in scan order and, within a scan, in drone-id order.
    public var trials: [DetectionTrial]

    /// Creates a score.
    public init(sensorID: String, scanCount: Int, detectionCount: Int, maximumRange: Double?, gate: PolarDetectionGate,
                overall: DetectionTally, rangeBins: [RangeBinTally], falseAlarms: FalseAlarmTally,
                rangeError: MeasurementErrorSummary?, azimuthError: MeasurementErrorSummary?, elevationError: MeasurementErrorSummary?,
                associations: [DetectionAssociation], associationsBeyondMaximumRange: Int, trials: [DetectionTrial] = []) {
        self.sensorID = sensorID
        self.scanCount = scanCount
        self.detectionCount = detectionCount
        self.maximumRange = maximumRange
        self.gate = gate
        self.overall = overall
        self.rangeBins = rangeBins
        self.falseAlarms = falseAlarms
        self.rangeError = rangeError
        self.azimuthError = azimuthError
        self.elevationError = elevationError
        self.associations = associations
        self.associationsBeyondMaximumRange = associationsBeyondMaximumRange
        self.trials = trials
    }
}
