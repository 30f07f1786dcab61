// The tracker: runs the components it is given, one step per sensor scan.
import TelemetryModel
import TrackingMath

/// A centralised multi-sensor, multi-target tracker (Stone Soup's `MultiTargetTracker` with a
/// `MultiMeasurementInitiator`).
///
/// Each sensor scan is one step, at the scan's own time:
/// 1. every track, confirmed or tentative, is predicted to the scan time;
/// 2. confirmed tracks are associated with the scan's measurements (`associator`) and updated, or coast;
/// 3. confirmed tracks that `deleter` rejects end;
/// 4. tentative tracks are associated with the measurements left over (`tentativeAssociator`) and
///    updated or missed; `initiator` confirms them (they get the next track id) or drops them;
/// 5. measurements still left over that fix a position start tentative tracks; an angle-only sensor's
///    go to `passiveInitiator`, which starts them where lines of several sensors cross.
///
/// The components are given (`TrackerComponents`, which by default builds what the settings
/// describe), in Stone Soup's roles: predictor, updater, hypothesiser (inside each associator), data
/// associator, initiator and deleter.
///
/// Time is the scans' time only: the tracker never reads a clock. A scan older than the last one is
/// skipped and counted, as are detections that are not finite, out of range, from an unknown sensor or
/// missing a field; none of them reaches a filter. A track holds its current estimate and counters,
/// never its history.
public struct MultiTargetTracker: Sendable {
    /// The settings: what its components do not hold (IMM entry, passive heights, output).
    public let settings: TrackerSettings
    /// The components.
    public let predictor: any Predictor
    /// Tentative tracks' predictor (`TrackerComponents.tentativePredictor`).
    public let tentativePredictor: any Predictor
    public let updater: any Updater
    public let associator: any DataAssociator
    public let tentativeAssociator: any DataAssociator
    public let initiator: any Initiator
    public let deleter: any Deleter
    /// Starts tracks where angle-only sensors' lines of sight cross; `nil`: they start none.
    public private(set) var passiveInitiator: PassiveInitiator?
    /// The counters.
    public private(set) var statistics = TrackerStatistics()
    /// Whether the angle-only sensors registered can over-determine a point (`PassiveInitiator`).
    private var passiveCanOverdetermine = false

    /// The prediction steps of recent scan gaps, for confirmed and tentative tracks.
    private var steps = PredictionStepCache(), tentativeSteps = PredictionStepCache()
    /// A scan's working arrays, kept between scans so that a scan allocates none of them.
    private var scratch = Scratch()

    private struct Scratch {
        var measurements: [ScanMeasurement] = []
        var used: [Bool] = []
        var leftover: [Int] = []
        var leftoverMeasurements: [ScanMeasurement] = []
        var states: [GaussianState] = []
    }

    private var sensors: [String: TrackerSensor] = [:]
    private var confirmed: [Track] = []
    /// The confirmed tracks held now.
    public var confirmedCount: Int { confirmed.count }
    private var tentative: [Track] = []
    private var nextTrackID = 0
    private var lastTime: Timestamp?

    private struct Track {
        var id: Int
        var estimate: TrackEstimate
        var counters = TrackStatusCounters()
        /// The detection of the latest step's update; `nil` after a miss.
        var detection: UInt64?
        /// The time of its latest update.
        var lastUpdate: Timestamp
    }

    /// A tracker with the components `settings` describe, fed by `sensors`.
    public init(settings: TrackerSettings, sensors: [TrackerSensor] = []) {
        self.init(settings: settings, components: TrackerComponents(settings: settings), sensors: sensors)
    }

    /// A tracker running `components`, fed by `sensors`; `settings` gives the rest (see `settings`).
    public init(settings: TrackerSettings, components: TrackerComponents, sensors: [TrackerSensor] = []) {
        self.settings = settings
        predictor = components.predictor
        tentativePredictor = components.tentativePredictor
        updater = components.updater
        associator = components.associator
        tentativeAssociator = components.tentativeAssociator
        initiator = components.initiator
        deleter = components.deleter
        passiveInitiator = components.passiveInitiator
        for sensor in sensors { self.sensors[sensor.id] = sensor }
        passiveCanOverdetermine = Self.canOverdetermine(self.sensors.values)
        // The counters' dictionaries get their storage now: a run's first insertion into an empty
        // dictionary of a type looks up that type's conformances at run time (about 0.1 ms), which
        // would otherwise fall in a scan.
        statistics.deleted.reserveCapacity(TrackDeletionReason.allCases.count)
        statistics.detectionsRejected.reserveCapacity(TrackerRejection.allCases.count)
        statistics.scansRejected.reserveCapacity(TrackerRejection.allCases.count)
    }

    /// Adds or replaces a sensor. The number of sensors scales the missed-scan limit.
    public mutating func register(_ sensor: TrackerSensor) {
        sensors[sensor.id] = sensor
        passiveCanOverdetermine = Self.canOverdetermine(sensors.values)
    }

    /// Whether angle-only sensors like these give more equations than unknowns for a point: m azimuths
    /// and e elevations give m + e equations for 2 unknowns, or 3 with an elevation.
    private static func canOverdetermine(_ sensors: some Collection<TrackerSensor>) -> Bool {
        var azimuths = 0, elevations = 0
        for sensor in sensors {
            if sensor.model is AzimuthElevationMeasurementModel { azimuths += 1; elevations += 1 }
            else if sensor.model is any AngleOnlyMeasurementModel { azimuths += 1 }
        }
        return azimuths + elevations > (elevations > 0 ? 3 : 2)
    }

    /// The number of confirmed and tentative tracks held.
    public var trackCounts: (confirmed: Int, tentative: Int) { (confirmed.count, tentative.count) }

    /// Runs one step on `scan`. Returns every confirmed track's state after it, or `nil` when the scan
    /// was skipped (counted in `statistics`).
    public mutating func process(_ scan: SensorScan) -> TrackerStep? {
        statistics.scansReceived += 1
        statistics.detectionsReceived += scan.detections.count
        guard let sensor = sensors[scan.sensorID] else { return skip(scan, .unknownSensor) }
        if let lastTime, scan.time < lastTime { return skip(scan, .timeBackwards) }
        lastTime = scan.time
        statistics.scansProcessed += 1
        let model = sensor.model

        var measurements = scratch.measurements
        scratch.measurements = []
        measurements.removeAll(keepingCapacity: true)
        defer { scratch.measurements = measurements }
        for (index, detection) in scan.detections.enumerated() {
            switch model.measurement(of: detection, maximumRange: settings.sensors.maximumRange) {
            case .success(let z):
                measurements.append(ScanMeasurement(value: z, position: model.positionEstimate(of: z).map { ($0.position, $0.covariance) },
                                                    detectionIndex: index))
            case .failure(let reason):
                statistics.detectionsRejected[reason, default: 0] += 1
            }
        }
        statistics.detectionsUsed += measurements.count

        let updater = updater, form = settings.filter.covarianceUpdate
        // Every track was predicted to the previous scan, so one step (F and Q per mode) serves them all.
        if !confirmed.isEmpty {
            let step = predictor.step(from: confirmed[0].estimate.time, to: scan.time, cache: &steps)
            for i in confirmed.indices { predictor.predict(&confirmed[i].estimate, to: scan.time, using: step) }
        }
        if !tentative.isEmpty {
            let step = tentativePredictor.step(from: tentative[0].estimate.time, to: scan.time, cache: &tentativeSteps)
            for i in tentative.indices { tentativePredictor.predict(&tentative[i].estimate, to: scan.time, using: step) }
        }

        // An azimuth says nothing of height: tracks seen by direction finders alone keep the height
        // prior (`TrackEstimate.constrainHeight`) instead of letting its variance grow without bound.
        // The prior is the passive initiator's own, so an initiator given with other settings is obeyed.
        if let passive = passiveInitiator?.settings, model.dimension == 1, model is any AngleOnlyMeasurementModel {
            let height = passive.heightMetres, variance = passive.sigmaHeightMetres * passive.sigmaHeightMetres
            for i in confirmed.indices { confirmed[i].estimate.constrainHeight(to: height, variance: variance) }
            for i in tentative.indices { tentative[i].estimate.constrainHeight(to: height, variance: variance) }
        }

        // Confirmed tracks take their measurements first.
        var used = scratch.used
        scratch.used = []
        used.removeAll(keepingCapacity: true)
        used.append(contentsOf: repeatElement(false, count: measurements.count))
        defer { scratch.used = used }
        var states = scratch.states
        scratch.states = []
        defer { scratch.states = states }
        Self.states(of: confirmed, into: &states)
        let assignments = associator.associate(states, measurements, model: model, updater: updater)
        for i in confirmed.indices {
            let assignment = assignments[i]
            if let assignment, Self.update(&confirmed[i].estimate, assignment, measurements, model: model, updater: updater, form: form) {
                used[assignment.measurement] = true
                confirmed[i].counters.record(hit: true)
                confirmed[i].detection = detectionID(scan, measurements[assignment.measurement])
                confirmed[i].lastUpdate = scan.time
                statistics.updates += 1
            } else {
                if assignment != nil { statistics.nonFiniteUpdates += 1 }
                confirmed[i].counters.record(hit: false)
                confirmed[i].detection = nil
                statistics.coasts += 1
            }
        }
        var kept = 0
        for i in confirmed.indices {
            if let reason = deleter.deletionReason(counters: confirmed[i].counters, state: confirmed[i].estimate.combined,
                                                   sensorCount: sensors.count) {
                statistics.deleted[reason, default: 0] += 1
            } else {
                if kept != i { confirmed[kept] = confirmed[i] }
                kept += 1
            }
        }
        confirmed.removeLast(confirmed.count - kept)

        // Tentative tracks take what is left, then confirm or drop.
        var leftover = scratch.leftover, leftoverMeasurements = scratch.leftoverMeasurements
        scratch.leftover = []
        scratch.leftoverMeasurements = []
        leftover.removeAll(keepingCapacity: true)
        leftoverMeasurements.removeAll(keepingCapacity: true)
        defer {
            scratch.leftover = leftover
            scratch.leftoverMeasurements = leftoverMeasurements
        }
        for index in measurements.indices where !used[index] {
            leftover.append(index)
            leftoverMeasurements.append(measurements[index])
        }
        Self.states(of: tentative, into: &states)
        let tentativeAssignments = tentativeAssociator.associate(states, leftoverMeasurements, model: model, updater: updater)
        kept = 0
        for i in tentative.indices {
            var hit = false
            tentative[i].detection = nil
            if let assignment = tentativeAssignments[i],
               Self.update(&tentative[i].estimate, assignment, leftoverMeasurements, model: model, updater: updater, form: form) {
                tentative[i].detection = detectionID(scan, leftoverMeasurements[assignment.measurement])
                tentative[i].lastUpdate = scan.time
                used[leftover[assignment.measurement]] = true
                hit = true
            } else if tentativeAssignments[i] != nil {
                statistics.nonFiniteUpdates += 1
            }
            tentative[i].counters.record(hit: hit)
            switch initiator.review(tentative[i].counters) {
            case .keep:
                if kept != i { tentative[kept] = tentative[i] }
                kept += 1
            case .drop:
                statistics.tentativeDropped += 1
            case .confirm:
                var track = tentative[i]
                track.id = nextTrackID
                if settings.motion.model == .imm {
                    track.estimate = track.estimate.expanded(toModes: settings.motion.initialModeProbabilities)
                }
                nextTrackID += 1
                statistics.confirmed += 1
                confirmed.append(track)
            }
        }
        tentative.removeLast(tentative.count - kept)

        // What is still left starts tentative tracks.
        if sensor.canInitiate {
            var counters = TrackStatusCounters()
            counters.record(hit: true)
            for index in measurements.indices where !used[index] {
                guard let state = newTrackState(from: measurements[index]) else { continue }
                // Built in the append: a track made in a function and returned (optional) was copied
                // twice on its way into the array, and it is over a kilobyte.
                tentative.append(Track(id: -1, estimate: TrackEstimate(time: scan.time, state: state), counters: counters,
                                       detection: nil, lastUpdate: scan.time))
                statistics.tentativeStarted += 1
            }
        } else if passiveInitiator != nil, let angles = model as? any AngleOnlyMeasurementModel {
            var lines: [LineOfSight] = [], lineMeasurements: [Int] = []
            for index in measurements.indices where !used[index] {
                lines.append(angles.lineOfSight(of: measurements[index].value))
                lineMeasurements.append(index)
            }
            let (starts, untried) = passiveInitiator?.initiate(sensor: scan.sensorID, time: scan.time, lines: lines,
                                                               overdetermined: passiveCanOverdetermine) ?? ([], 0)
            statistics.passiveLinesUntried += untried
            var counters = TrackStatusCounters()
            counters.record(hit: true)
            for start in starts where start.state.isFinite {
                tentative.append(Track(id: -1, estimate: TrackEstimate(time: scan.time, state: start.state), counters: counters,
                                       detection: detectionID(scan, measurements[lineMeasurements[start.line]]), lastUpdate: scan.time))
                statistics.tentativeStarted += 1
                statistics.passiveStarted += 1
            }
        }
        statistics.peakConfirmed = max(statistics.peakConfirmed, confirmed.count)
        statistics.peakTentative = max(statistics.peakTentative, tentative.count)

        var outputs: [TrackOutput] = []
        outputs.reserveCapacity(confirmed.count)
        for i in confirmed.indices {
            let updated = confirmed[i].counters.consecutiveMisses == 0
            if !updated && !settings.output.reportCoasted
                && scan.time.seconds(since: confirmed[i].lastUpdate)
                    > settings.output.coastedWindowSeconds {
                continue
            }
            let id = confirmed[i].id
            outputs.append(TrackOutput(trackID: id, time: scan.time, state: confirmed[i].estimate.combined, updated: updated,
                                       sensorID: scan.sensorID, detectionID: confirmed[i].detection,
                                       modeCount: confirmed[i].estimate.modeCount,
                                       modeProbabilities: confirmed[i].estimate.modeProbabilities))
        }
        return TrackerStep(time: scan.time, sensorID: scan.sensorID, tracks: outputs)
    }

    private mutating func skip(_ scan: SensorScan, _ reason: TrackerRejection) -> TrackerStep? {
        statistics.scansRejected[reason, default: 0] += 1
        if !scan.detections.isEmpty { statistics.detectionsRejected[reason, default: 0] += scan.detections.count }
        return nil
    }

    /// Updates the estimate with its assigned measurement. Returns `false` when the result is not
    /// finite, in which case the track keeps its prediction (the caller counts it).
    private static func update(_ estimate: inout TrackEstimate, _ assignment: Assignment, _ measurements: [ScanMeasurement],
                               model: any MeasurementModel, updater: any Updater, form: CovarianceUpdateForm) -> Bool {
        let updated = updater.update(&estimate, measurement: measurements[assignment.measurement].value, model: model,
                                     combinedPrediction: assignment.prediction, form: form, requireFinite: true)
        return updated
    }

    /// The tracks' combined states. A loop rather than `map(\.estimate.combined)`: the key path
    /// copied each whole track (about 1.4 kB) to read 336 bytes of it.
    private static func states(of tracks: [Track], into states: inout [GaussianState]) {
        states.removeAll(keepingCapacity: true)
        for i in tracks.indices { states.append(tracks[i].estimate.combined) }
    }

    private func detectionID(_ scan: SensorScan, _ measurement: ScanMeasurement) -> UInt64 {
        scan.detections[measurement.detectionIndex].detectionID ?? UInt64(measurement.detectionIndex)
    }

    /// The state of a tentative track at a measurement's position, at rest, with the prior velocity
    /// spread; `nil` when the measurement fixes no position or the state is not finite.
    private func newTrackState(from measurement: ScanMeasurement) -> GaussianState? {
        guard let position = measurement.position else { return nil }
        var mean = StateVector()
        var covariance = StateCovariance()
        for i in 0..<3 {
            mean[i] = position.point[i]
            for j in 0..<3 { covariance[i, j] = position.covariance[i, j] }
        }
        let vh = settings.initiation.velocitySigmaHorizontal, vv = settings.initiation.velocitySigmaVertical
        covariance[3, 3] = vh * vh
        covariance[4, 4] = vh * vh
        covariance[5, 5] = vv * vv
        let state = GaussianState(mean: mean, covariance: covariance)
        return state.isFinite ? state : nil
    }
}
