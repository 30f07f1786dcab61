// The live picture the web view shows: site, sensors, tracks and truth with their history, and each source's health.
public import TelemetryModel
public import TelemetryIngest
public import Tracking
import Geodesy
import TrackingMath
public import Foundation

/// What the web view shows, gathered from the run as it goes and read as one JSON snapshot.
///
/// Three writers feed it, each on its own thread:
/// - the decode thread, as a ``TelemetryRecordSink``: truth fixes and sensors' self-descriptions;
/// - the tracking stage's step hook (``record(step:)``): every step's confirmed tracks;
/// - the run loop, about once a second (``update(health:)``): the ingest counters, the recording and
///   the disk.
///
/// Every reader gets ``snapshotJSON()``, built at most once per change and shared by all clients.
/// Memory is bounded whatever the peers send: at most ``maximumTracks`` tracks and ``maximumDrones``
/// drones, each with at most ``historyPoints`` points of history; a drone unheard for
/// ``truthExpirySeconds`` of data time is dropped; a source name is never longer than a topic.
public final class LiveSituation: TelemetryRecordSink {
    /// Points of history kept per track and per drone (one every ``historySpacingSeconds``).
    public static let historyPoints = 240
    /// Data time between two history points, seconds.
    public static let historySpacingSeconds = 0.5
    /// A drone whose last fix is this much older (data time) than the newest fix is dropped.
    public static let truthExpirySeconds = 30.0
    /// Tracks and drones shown at most; more are counted in `dropped`.
    public static let maximumTracks = 2048
    public static let maximumDrones = 512

    /// How the run is fed: live, or a replay of a recording.
    public enum Mode: String, Sendable { case live, replay }

    private let lock = NSLock()
    private let plane: LocalTangentPlane
    private let expected: [ExpectedSensor]
    private var picture: LiveSnapshot
    private var tracks: [Int: MovingObject] = [:]
    private var truth: [String: MovingObject] = [:]
    private var previous: (statistics: IngestStatistics, now: Timestamp)?
    private var generation: UInt64 = 0
    private var cached: (generation: UInt64, json: Data)?

    /// A picture of `site` with its configured `sensors`; `expected` names the sensors that should speak.
    public init(mode: Mode, siteName: String, origin: GeodeticPosition, sensors: [SensorDescription], expected: [ExpectedSensor],
                tiles: Bool) {
        plane = LocalTangentPlane(origin: origin)
        self.expected = expected
        picture = LiveSnapshot(mode: mode.rawValue, site: .init(name: siteName, lat: origin.latitude, lon: origin.longitude,
                                                                 alt: origin.ellipsoidalHeight), tiles: tiles)
        for sensor in sensors { merge(sensor) }
    }

    // MARK: Writers

    public func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
        switch record {
        case .truth(let fix):
            lock.withLock { recordTruth(fix) }
        case .sensor(let sensor):
            lock.withLock { if merge(sensor) { generation &+= 1 } }
        default:
            break
        }
    }

    /// Takes a tracker step: its confirmed tracks are the tracks now (the tracking stage's step hook).
    public func record(step: TrackerStep) {
        lock.withLock {
            var seen = Set<Int>()
            for track in step.tracks.prefix(Self.maximumTracks) {
                seen.insert(track.trackID)
                let position = plane.geodetic(track.state.position)
                let c = track.state.covariance
                tracks[track.trackID, default: MovingObject()].update(time: track.time, position: position, velocity: track.state.velocity,
                                                                       sigmaHorizontal: (0.5 * max(0, c[0, 0] + c[1, 1])).squareRoot(),
                                                                       sensor: track.sensorID, updated: track.updated)
            }
            tracks = tracks.filter { seen.contains($0.key) }
            picture.droppedTracks = max(0, step.tracks.count - Self.maximumTracks)
            picture.dataTime = step.time.nanosecondsSinceEpoch
            generation &+= 1
        }
    }

    /// Takes the run's health now: rates since the last call, ages, stale and silent sources, the recording.
    public func update(health: RunHealth) {
        lock.withLock {
            let seconds = previous.map { max(Double(health.now.nanosecondsSinceEpoch &- $0.now.nanosecondsSinceEpoch) / 1e9, 1e-3) }
            var rows: [LiveSnapshot.Source] = []
            var alarms: [String] = []
            for key in health.statistics.sources.keys.sorted() {
                guard let s = health.statistics.sources[key] else { continue }
                let before = previous?.statistics.sources[key]?.framesReceived ?? 0
                let rate = seconds.map { Double(s.framesReceived &- before) / $0 }
                let stale = s.staleAge(at: health.now)
                if let stale { alarms.append("STALE \(key) \(Int(stale)) s") }
                rows.append(.init(source: key, frames: s.framesReceived, rateHz: rate, ageSeconds: s.age(at: health.now), stale: stale != nil,
                                  malformed: s.framesMalformed,
                                  malformedByReason: Dictionary(uniqueKeysWithValues: s.malformed.map { ($0.key.rawValue, $0.value) }),
                                  gaps: s.sequence.gaps, missing: s.sequence.missing &+ s.mavlinkLoss.estimated))
            }
            let silent = ExpectedSensor.silent(expected, in: health.statistics)
            alarms += silent.map { "SILENT \($0)" }
            let flagged = health.statistics.truth.flaggedDrones
            if !flagged.isEmpty { alarms.append("TRUTH FLAGGED " + flagged.prefix(8).joined(separator: ", ")) }
            picture.sources = rows
            picture.silent = silent
            picture.alarms = alarms
            picture.elapsedSeconds = health.elapsedSeconds
            picture.now = health.now.nanosecondsSinceEpoch
            picture.framesReceived = health.statistics.receiveSequence
            picture.tracksNow = health.tracksNow
            picture.tracksConfirmed = health.tracksConfirmed
            picture.recording = health.recordingPath.map { .init(path: $0, bytes: health.recordingBytes, freeBytes: health.freeBytes) }
            previous = (health.statistics, health.now)
            generation &+= 1
        }
    }

    // MARK: Reader

    /// The picture now, as JSON (docs/web.md); the same bytes until something changes.
    public func snapshotJSON() -> Data {
        lock.withLock {
            if let cached, cached.generation == generation { return cached.json }
            var snapshot = picture
            snapshot.tracks = tracks.sorted { $0.key < $1.key }.map { $0.value.view(id: "\($0.key)") }
            snapshot.truth = truth.sorted { $0.key < $1.key }.map { $0.value.view(id: $0.key) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let json = (try? encoder.encode(snapshot)) ?? Data("{}".utf8)
            cached = (generation, json)
            return json
        }
    }

    // MARK: Parts (under the lock)

    private func recordTruth(_ fix: TruthFix) {
        guard fix.position.isValid else { return }
        if truth[fix.droneID] == nil && truth.count >= Self.maximumDrones {
            picture.droppedDrones &+= 1
            return
        }
        let velocity = fix.velocityENU ?? ENUVector(0, 0, 0)
        truth[fix.droneID, default: MovingObject()].update(time: fix.time, position: fix.position, velocity: velocity,
                                                            sigmaHorizontal: fix.horizontalAccuracy, sensor: nil, updated: true)
        let newest = fix.time.nanosecondsSinceEpoch
        if newest > picture.truthTime ?? .min {
            picture.truthTime = newest
            let cutoff = newest &- Int64(Self.truthExpirySeconds * 1e9)
            truth = truth.filter { $0.value.time >= cutoff }
        }
        generation &+= 1
    }

    /// Adds or refreshes a sensor; whether anything changed.
    @discardableResult
    private func merge(_ sensor: SensorDescription) -> Bool {
        guard let position = sensor.position ?? sensor.enu.map({ plane.geodetic($0) }), position.isValid else { return false }
        let entry = LiveSnapshot.Sensor(id: sensor.sensorID, kind: sensor.kind, measures: sensor.measures.rawValue, lat: position.latitude,
                                        lon: position.longitude, alt: position.ellipsoidalHeight,
                                        maxRangeM: sensor.maximumRange.flatMap { $0.isFinite && $0 > 0 ? $0 : nil })
        if let index = picture.sensors.firstIndex(where: { $0.id == sensor.sensorID }) {
            // A self-description fills in what the config left out (its range), never moves a surveyed site.
            var merged = picture.sensors[index]
            merged.maxRangeM = entry.maxRangeM ?? merged.maxRangeM
            guard merged != picture.sensors[index] else { return false }
            picture.sensors[index] = merged
        } else {
            guard picture.sensors.count < 256 else { return false }
            picture.sensors.append(entry)
        }
        return true
    }
}

// Every stored property but the immutable `plane` and `expected` is read and written only under
// `lock`, so the decode thread, the run loop and the server's tasks may call in at once.
extension LiveSituation: @unchecked Sendable {}

/// A track or a drone: where it is now and where it was.
struct MovingObject {
    var time: Int64 = .min
    var position = GeodeticPosition(latitude: 0, longitude: 0, ellipsoidalHeight: 0)
    var velocity = ENUVector(0, 0, 0)
    var sigmaHorizontal: Double?
    var sensor: String?
    var updated = false
    /// [latitude, longitude] pairs, oldest first, at most ``LiveSituation/historyPoints``.
    var history: [[Double]] = []
    private var lastHistoryTime: Int64 = .min

    mutating func update(time: Timestamp, position: GeodeticPosition, velocity: ENUVector, sigmaHorizontal: Double?, sensor: String?,
                         updated: Bool) {
        self.time = time.nanosecondsSinceEpoch
        self.position = position
        self.velocity = velocity
        self.sigmaHorizontal = sigmaHorizontal
        self.sensor = sensor
        self.updated = updated
        let t = time.nanosecondsSinceEpoch
        if lastHistoryTime == .min || Double(t &- lastHistoryTime) / 1e9 >= LiveSituation.historySpacingSeconds || t < lastHistoryTime {
            history.append([position.latitude, position.longitude])
            if history.count > LiveSituation.historyPoints { history.removeFirst(history.count - LiveSituation.historyPoints) }
            lastHistoryTime = t
        }
    }

    func view(id: String) -> LiveSnapshot.Mover {
        let speed = (velocity.x * velocity.x + velocity.y * velocity.y).squareRoot()
        var heading = atan2(velocity.x, velocity.y) * 180 / .pi
        if heading < 0 { heading += 360 }
        return .init(id: id, time: time, lat: position.latitude, lon: position.longitude, alt: position.ellipsoidalHeight,
                     velE: velocity.x, velN: velocity.y, velU: velocity.z, speed: speed, heading: speed > 0 ? heading : nil,
                     sigmaH: sigmaHorizontal, sensor: sensor, updated: updated, history: history + [[position.latitude, position.longitude]])
    }
}
