// What an evaluation scores: truth, tracks, scans and sensors, from a recording or from files.
import Evaluation
import Geodesy
import SessionRecording
import TelemetryIngest
import TelemetryModel
import Tracking
import Foundation
import TestbedConfiguration

/// The inputs of one evaluation, whatever they came from: a recorded run (`haechi report`,
/// `haechi campaign`, `haechi evaluate --recording`) or a scenario and a track file
/// (`haechi evaluate --scenario`). ``Evaluator`` scores every one the same way.
struct EvaluationInput {
    /// The run's id (or the scenario file's name).
    var runID: String
    /// Each drone's truth, with each fix's accuracy where it came with one.
    var truths: [TruthPath]
    var truthAccuracy: [String: [TruthAccuracy]]
    /// The tracks scored, and where they came from.
    var tracks: [TrackPath]
    var trackSource: ReportTextSource
    /// The sensors' scans as detection-level scoring takes them, their descriptions and positions.
    var scans: [DetectionScan]
    var sensors: [SensorDescription]
    var sensorPositions: [ENUVector]
    /// The evaluated interval: the data's first to last time (truth and scans), in the data's time base.
    var span: ClosedRange<Timestamp>?
    /// Frames in the recording (0 for files).
    var frames: UInt64
    /// What the truth checks kept out of the truth, per drone (a recording only; files are not checked).
    var truthIntegrity: TruthIntegrityStatistics? = nil
    /// Each drone's registered identity, which a system's claimed identities (its track ids, such as
    /// Remote ID's UAS ids) are scored against; empty: not scored.
    var truthIdentities: [String: String] = [:]
    /// Whether the tracks' ids are identities the aircraft declared (a Remote ID receiver's tracks);
    /// other tracks' ids are numbers of the tracker's own, which claim nothing.
    var tracksClaimIdentity = false

    /// The accuracy a truth fix came with: horizontal and vertical, metres (one standard uncertainty
    /// as the sender states it), or a dilution of precision where that is all it gave.
    struct TruthAccuracy {
        var horizontal: Double?
        var vertical: Double?
        var horizontalDOP: Double?
        var verticalDOP: Double?
    }

    /// Where the tracks came from, for the conditions.
    enum ReportTextSource {
        case replayedTracker
        case file(path: String, sha256: String)
        /// The tracks a system under test reported during the run, as recorded.
        case recordedSystem(String)
    }

    /// What replaces the tracks of Haechi's tracker: a system's own track file, or the tracks a system
    /// reported during the run (its CAT062 system tracks or JSON `track` records, from the recording).
    enum TrackOverride {
        case file(path: String, tracks: [TrackPath], sha256: String)
        case recordedSystem(String)
    }

    /// The content of a recorded run, its tracks Haechi's tracker's unless `override` names others,
    /// scored against the run's truth.
    /// - Throws: when `override` names a system that reported no tracks in the run.
    static func recorded(_ data: RecordedRunData, tracks override: TrackOverride? = nil) throws(RuntimeError) -> EvaluationInput {
        let truths = data.truth.keys.sorted().compactMap { id -> TruthPath? in
            let states = data.truth[id]!.map { KinematicState(time: $0.time, position: $0.enu, velocity: $0.velocity) }
            return states.isEmpty ? nil : TruthPath(id: id, states: states)
        }
        var accuracy: [String: [TruthAccuracy]] = [:]
        for (id, samples) in data.truth {
            accuracy[id] = samples.map { TruthAccuracy(horizontal: $0.horizontalAccuracy, vertical: $0.verticalAccuracy,
                                                       horizontalDOP: $0.horizontalDOP, verticalDOP: $0.verticalDOP) }
        }
        var tracks: [TrackPath]
        let source: ReportTextSource
        var claims = false
        switch override {
        case .file(let path, let fileTracks, let sha256)?:
            tracks = fileTracks
            source = .file(path: path, sha256: sha256)
        case .recordedSystem(let system)?:
            guard let reported = data.systemTracks[system], !reported.isEmpty else {
                let known = data.systemTracks.keys.sorted()
                throw RuntimeError(code: .config, message: "the recording holds no tracks reported by '\(system)'"
                                   + (known.isEmpty ? " (no system reported tracks in this run)" : "; systems that did: \(known.joined(separator: ", "))"))
            }
            tracks = reported.map { TrackPath(id: $0.id, states: $0.states) }
            source = .recordedSystem(system)
            claims = data.identityClaimingSystems.contains(system)
        case nil:
            var byTrack: [Int: [KinematicState]] = [:]
            for track in data.tracks {
                byTrack[track.trackID, default: []].append(KinematicState(time: track.time, position: track.state.position,
                                                                          velocity: track.state.velocity))
            }
            tracks = byTrack.keys.sorted().map { TrackPath(id: String($0), states: byTrack[$0]!) }
            source = .replayedTracker
        }
        let scans = data.scans.compactMap { scan -> DetectionScan? in
            guard let sensor = data.sensors[scan.sensorID], let enu = sensor.enu else { return nil }
            return DetectionScan(time: scan.time, sensorID: scan.sensorID, scanID: scan.scanID, sensorPosition: enu,
                                 detections: scan.detections)
        }
        let times = truths.flatMap { [$0.states.first?.time, $0.states.last?.time].compactMap { $0 } } + scans.map(\.time)
        let span = times.min().flatMap { first in times.max().map { first...$0 } }
        return EvaluationInput(runID: data.provenance.runID, truths: truths, truthAccuracy: accuracy, tracks: tracks,
                               trackSource: source, scans: scans, sensors: data.sensors.values.map(\.description),
                               sensorPositions: data.sensors.values.compactMap(\.enu), span: span, frames: data.frames,
                               truthIntegrity: data.truthIntegrity, truthIdentities: data.configuration.truthIdentities,
                               tracksClaimIdentity: claims)
    }
}
