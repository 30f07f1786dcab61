// The tracker's parts, Stone Soup's roles: given to `MultiTargetTracker`, which builds none of them.

/// Every component a `MultiTargetTracker` runs. `init(settings:)` builds the ones the settings
/// describe; a caller may replace any of them (another hypothesiser, solver, initiator or deleter)
/// and give the tracker the result.
public struct TrackerComponents: Sendable {
    /// Confirmed tracks' predictor (the IMM by default).
    public var predictor: any Predictor
    /// Tentative tracks' predictor: constant velocity. A track enters `predictor` when it is confirmed,
    /// with the configured initial mode probabilities: most tentative tracks are clutter that lives two
    /// or three scans, and three modes for them cost three times the work.
    public var tentativePredictor: any Predictor
    /// The Kalman updater (EKF or UKF).
    public var updater: any Updater
    /// Confirmed tracks' associator, with its hypothesiser.
    public var associator: any DataAssociator
    /// Tentative tracks' associator, for the measurements the confirmed tracks left.
    public var tentativeAssociator: any DataAssociator
    /// Confirms or drops tentative tracks.
    public var initiator: any Initiator
    /// Ends confirmed tracks.
    public var deleter: any Deleter
    /// Starts tracks where angle-only sensors' lines of sight cross; `nil`: they start none.
    public var passiveInitiator: PassiveInitiator?

    /// The components `settings` describe.
    public init(settings: TrackerSettings) {
        predictor = settings.makePredictor()
        tentativePredictor = settings.makeTentativePredictor()
        updater = settings.makeUpdater()
        associator = GlobalNearestNeighbourAssociator(
            hypothesiser: DistanceHypothesiser(gate: settings.association.gate, usesPreGate: settings.association.preGate))
        tentativeAssociator = GlobalNearestNeighbourAssociator(
            hypothesiser: DistanceHypothesiser(gate: settings.association.tentativeGate, usesPreGate: settings.association.preGate))
        initiator = MOfNInitiator(hits: settings.initiation.confirmHits, window: settings.initiation.confirmWindow,
                                  maximumMisses: settings.initiation.tentativeMaxMisses)
        deleter = CompositeDeleter([
            MissedScanDeleter(missesPerSensor: settings.deletion.missedScansPerSensor),
            CovarianceTraceDeleter(maximumPositionTrace: settings.deletion.maximumPositionCovarianceTrace),
        ])
        passiveInitiator = settings.initiation.passive.enabled ? PassiveInitiator(settings: settings) : nil
    }
}
