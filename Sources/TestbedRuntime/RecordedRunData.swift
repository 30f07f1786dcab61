// What an evaluation needs from a recording: truth, scans, sensor sites and the tracks, by replay.
import Geodesy
public import SessionRecording
public import TelemetryIngest
import ZeroMQIngest
public import TelemetryModel
import TransportSettings
public import Tracking
public import Evaluation
import ZeroMQ
import Foundation
public import TestbedConfiguration

/// A recorded run's content, recovered by replaying it through the same decoders and tracker.
public struct RecordedRunData: Sendable {
    /// One truth sample of a drone, in the site's ENU frame.
    public struct TruthSample: Sendable {
        public var time: Timestamp
        public var enu: ENUVector
        public var velocity: ENUVector?
        /// The fix's own accuracy, metres, and its dilutions of precision, where the sender gave them.
        public var horizontalAccuracy: Double?
        public var verticalAccuracy: Double?
        public var horizontalDOP: Double?
        public var verticalDOP: Double?
    }

    /// The run's provenance (from the recording).
    public var provenance: RunProvenance
    /// The recorded config.
    public var configuration: IngestConfiguration
    /// Truth per drone, in time order.
    public var truth: [String: [TruthSample]]
    /// Every scan of every sensor, in order.
    public var scans: [SensorScan]
    /// The sensors and their ENU positions.
    public var sensors: [String: (description: SensorDescription, enu: ENUVector?)]
    /// The tracker's confirmed tracks, in order.
    public var tracks: [TrackOutput]
    /// The tracks systems under test reported (CAT062 system tracks, JSON `track` records), by the
    /// reporting system's sensor id (else its source id): each track's states in the order received.
    public var systemTracks: [String: [(id: String, states: [KinematicState])]] = [:]
    /// The systems whose track ids are identities the aircraft declared (Remote ID receivers, whose
    /// tracks come from MAVLink OPEN_DRONE_ID reports), which the report scores against the registry.
    public var identityClaimingSystems: Set<String> = []
    /// The receive times of the first and last frames.
    public var firstFrame: Timestamp?
    public var lastFrame: Timestamp?
    /// Frames read, and how many were malformed.
    public var frames: UInt64
    /// What the truth checks found on the way: fixes kept out of ``truth``, per drone, and why.
    public var truthIntegrity = TruthIntegrityStatistics()

    /// Replays `path` and collects its content.
    public static func load(path: String) throws(RuntimeError) -> RecordedRunData {
        let session: RecordedSession
        do { session = try RecordedSession(path: path) } catch { throw RuntimeError(code: .io, file: path, message: error.message) }
        let configuration = try IngestConfiguration.parse(session.provenance.configText, file: session.provenance.configFile,
                                                          recordedTrackerText: session.provenance.trackerText)
        let collector = Collector(configuration: configuration)
        let processor = configuration.ingestSettings.pipelineConfiguration.makeFrameProcessor(recordSinks: [collector])
        var first: Timestamp?, last: Timestamp?, frames: UInt64 = 0
        var badFrame: RuntimeError?
        do {
            try session.forEachFrame { frame in
                if first == nil { first = frame.receiveTime }
                last = frame.receiveTime
                frames += 1
                do throws(RuntimeError) { try ReplayRunner.feed(frame, into: processor) } catch {
                    badFrame = error
                    return false
                }
                return true
            }
        } catch {
            throw RuntimeError(code: .io, file: path, message: error.message)
        }
        if let badFrame { throw RuntimeError(code: .io, file: path, message: badFrame.message) }
        collector.finish()
        return RecordedRunData(provenance: session.provenance, configuration: configuration, truth: collector.truth,
                               scans: collector.scans, sensors: collector.sensorTable, tracks: collector.tracks,
                               systemTracks: collector.systemTracks, identityClaimingSystems: collector.identityClaimingSystems,
                               firstFrame: first, lastFrame: last, frames: frames,
                               truthIntegrity: processor.statistics.truth)
    }

    /// Gathers records as the decode stage hands them over (one thread: the caller's).
    final class Collector: TelemetryRecordSink, @unchecked Sendable {
        // @unchecked Sendable: used on the loading thread only.
        var session: TrackingSession
        let plane: LocalTangentPlane
        var truth: [String: [TruthSample]] = [:]
        var scans: [SensorScan] = []
        var sensors: [String: SensorDescription] = [:]
        var tracks: [TrackOutput] = []
        var systemTracks: [String: [(id: String, states: [KinematicState])]] = [:]
        var identityClaimingSystems: Set<String> = []
        private var systemTrackIndex: [String: [String: Int]] = [:]

        init(configuration: IngestConfiguration) {
            session = TrackingSession(settings: configuration.tracking.settings, origin: configuration.site.origin,
                                      sensors: configuration.sensors)
            plane = LocalTangentPlane(origin: configuration.site.origin)
            for sensor in configuration.sensors { sensors[sensor.sensorID] = sensor }
        }

        func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
            switch record {
            case .truth(let fix):
                truth[fix.droneID, default: []].append(TruthSample(time: fix.time, enu: fix.enu ?? plane.enu(fix.position),
                                                                   velocity: fix.velocityENU, horizontalAccuracy: fix.horizontalAccuracy,
                                                                   verticalAccuracy: fix.verticalAccuracy, horizontalDOP: fix.horizontalDOP,
                                                                   verticalDOP: fix.verticalDOP))
            case .sensor(let sensor):
                sensors[sensor.sensorID] = sensor
            case .track(let report):
                let system = report.sensorID ?? source.sourceID
                if source.format == .mavlink { identityClaimingSystems.insert(system) }
                let state = KinematicState(time: report.time, position: report.enu, velocity: report.velocity)
                if let index = systemTrackIndex[system]?[report.trackID] {
                    systemTracks[system]![index].states.append(state)
                } else {
                    systemTrackIndex[system, default: [:]][report.trackID] = systemTracks[system, default: []].count
                    systemTracks[system, default: []].append((report.trackID, [state]))
                }
            default:
                break
            }
            for scan in session.feed(record) { step(scan) }
        }

        func finish() {
            for scan in session.finishScans() { step(scan) }
            for key in truth.keys { truth[key]!.sort { $0.time < $1.time } }
        }

        private func step(_ scan: SensorScan) {
            scans.append(scan)
            if let step = session.process(scan) { tracks.append(contentsOf: step.tracks) }
        }

        var sensorTable: [String: (description: SensorDescription, enu: ENUVector?)] {
            sensors.mapValues { ($0, $0.enu ?? $0.position.map(plane.enu)) }
        }
    }
}
