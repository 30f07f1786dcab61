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
    /// Names peers choose (drone ids, sensor kinds) are shown cut to this many characters.
    public static let maximumNameLength = 64

    /// How the run is fed: live, or a replay of a recording.
    public enum Mode: String, Sendable { case live, replay }

    private let lock = NSLock()
    private let plane: LocalTangentPlane
    private let expected: [ExpectedSensor]
    /// A snapshot younger than this is served again even if the picture moved: every browser and
    /// `/state.json` share one encoding, however fast truth arrives.
    private let snapshotReuse: Duration
    private var picture: LiveSnapshot
    private var tracks: [Int: MovingObject] = [:]
    private var truth: [String: MovingObject] = [:]
    private var previous: (statistics: IngestStatistics, now: Timestamp)?
    private var generation: UInt64 = 0
    private var cached: (generation: UInt64, at: ContinuousClock.Instant, json: Data)?
    /// Truth fixes taken, in arrival order: when the drones are at their cap, the one heard from
    /// longest ago gives way.
    private var truthArrivals: UInt64 = 0
    /// The data time truth was last expired at.
    private var lastExpiry: Int64?

    /// A picture of `site` with its configured `sensors`; `expected` names the sensors that should speak.
    public init(mode: Mode, siteName: String, origin: GeodeticPosition, sensors: [SensorDescription], expected: [ExpectedSensor],
                tiles: Bool, snapshotReuse: Duration = .milliseconds(200)) {
        plane = LocalTangentPlane(origin: origin)
        self.snapshotReuse = snapshotReuse
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
                                                                       sensor: Self.shown(track.sensorID), updated: track.updated)
            }
            // The decode thread's path: the map is rebuilt only when a track left it.
            if tracks.count != seen.count { tracks = tracks.filter { seen.contains($0.key) } }
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
            if !flagged.isEmpty { alarms.append("TRUTH FLAGGED " + flagged.prefix(8).map(Self.shown).joined(separator: ", ")) }
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
    ///
    /// Only copies are taken under the lock (the dictionaries are copied on write, so this is
    /// cheap): the encoding, the costly part, runs outside it, so the decode thread never waits for a
    /// browser.
    public func snapshotJSON() -> Data {
        let now = ContinuousClock.now
        let taken: (snapshot: LiveSnapshot, tracks: [Int: MovingObject], truth: [String: MovingObject], generation: UInt64)? = lock.withLock {
            if let cached, cached.generation == generation || now - cached.at < snapshotReuse { return nil }
            return (picture, tracks, truth, generation)
        }
        guard let taken else { return lock.withLock { cached?.json ?? Data("{}".utf8) } }
        var snapshot = taken.snapshot
        snapshot.tracks = taken.tracks.sorted { $0.key < $1.key }.map { $0.value.view(id: "\($0.key)") }
        snapshot.truth = taken.truth.sorted { $0.key < $1.key }.map { $0.value.view(id: $0.key) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(snapshot)) ?? Data("{}".utf8)
        lock.withLock {
            if cached.map({ $0.generation < taken.generation }) ?? true { cached = (taken.generation, now, json) }
        }
        return json
    }

    /// A name a peer chose, as the page shows it: at most ``maximumNameLength`` characters.
    static func shown(_ name: String) -> String {
        name.count <= maximumNameLength ? name : String(name.prefix(maximumNameLength - 1)) + "…"
    }

    // MARK: Parts (under the lock)

    private func recordTruth(_ fix: TruthFix) {
        guard fix.position.isValid else { return }
        let id = Self.shown(fix.droneID)
        truthArrivals &+= 1
        if truth[id] == nil && truth.count >= Self.maximumDrones {
            // The drone heard from longest ago gives way: a drone that fell silent, or one a sender
            // made up, cannot keep the real ones off the map (whatever times the fixes carry).
            if let oldest = truth.min(by: { $0.value.arrival < $1.value.arrival })?.key { truth[oldest] = nil }
            picture.droppedDrones &+= 1
        }
        let velocity = fix.velocityENU ?? ENUVector(0, 0, 0)
        truth[id, default: MovingObject()].update(time: fix.time, position: fix.position, velocity: velocity,
                                                   sigmaHorizontal: fix.horizontalAccuracy, sensor: nil, updated: true)
        truth[id]?.arrival = truthArrivals
        let newest = fix.time.nanosecondsSinceEpoch
        if newest > picture.truthTime ?? .min {
            picture.truthTime = newest
            // Expired at most once a second of data time: not a pass over every drone per fix, on the
            // decode thread.
            // Times are senders': wrapping arithmetic, and a wrapped (huge) step counts as a second.
            if lastExpiry.map({ newest < $0 || !(0..<1_000_000_000).contains(newest &- $0) }) ?? true {
                lastExpiry = newest
                let cutoff = newest &- Int64(Self.truthExpirySeconds * 1e9)
                truth = truth.filter { $0.value.time >= cutoff }
            }
        }
        generation &+= 1
    }

    /// Adds or refreshes a sensor; whether anything changed.
    @discardableResult
    private func merge(_ sensor: SensorDescription) -> Bool {
        guard let position = sensor.position ?? sensor.enu.map({ plane.geodetic($0) }), position.isValid else { return false }
        // A range beyond 1,000 km is no sensor's: it is not drawn.
        let entry = LiveSnapshot.Sensor(id: Self.shown(sensor.sensorID), kind: Self.shown(sensor.kind), measures: sensor.measures.rawValue,
                                        lat: position.latitude, lon: position.longitude, alt: position.ellipsoidalHeight,
                                        maxRangeM: sensor.maximumRange.flatMap { $0.isFinite && $0 > 0 && $0 <= 1e6 ? $0 : nil })
        if let index = picture.sensors.firstIndex(where: { $0.id == entry.id }) {
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
    /// A drone's place in the arrival order of truth fixes (``LiveSituation``'s cap).
    var arrival: UInt64 = 0
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

    /// The fastest velocity shown (m/s): past it, or not finite, a velocity is no aircraft's and is left out.
    static let maximumSpeed = 1000.0

    func view(id: String) -> LiveSnapshot.Mover {
        let speed = hypot(velocity.x, velocity.y)
        let velocity: ENUVector? = speed <= Self.maximumSpeed && abs(self.velocity.z) <= Self.maximumSpeed ? self.velocity : nil
        var heading = atan2(self.velocity.x, self.velocity.y) * 180 / .pi
        if heading < 0 { heading += 360 }
        return .init(id: id, time: time, lat: position.latitude, lon: position.longitude,
                     alt: position.ellipsoidalHeight.isFinite ? position.ellipsoidalHeight : nil,
                     velE: velocity?.x, velN: velocity?.y, velU: velocity?.z, speed: velocity == nil ? nil : speed,
                     heading: velocity != nil && speed > 0 ? heading : nil,
                     sigmaH: sigmaHorizontal.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }, sensor: sensor, updated: updated,
                     history: history + [[position.latitude, position.longitude]])
    }
}
