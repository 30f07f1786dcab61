// The tracker as a stage of the live pipeline: it runs on the decode thread and publishes json/tracks.
public import TelemetryIngest
import ZeroMQIngest
public import TelemetryModel
public import Tracking
public import ZeroMQ
import Foundation

/// Tracks the records of a live run as the decode stage hands them over, and publishes each confirmed
/// track's update as a `json/tracks` message on a PUB socket.
///
/// The stage runs on the decode thread (it is a `TelemetryRecordSink`), so it sees records in ring
/// order: the order of the recording, which is what makes a replay give the same tracks. Time is the
/// records' own: the stage never reads a clock. A message is two frames, the topic `json/tracks` and
/// one `track` record (docs/schemas/track.schema.json), the same line `haechi track` writes.
///
/// PUB never blocks the stage: a subscriber too slow for its high-water mark loses messages, as
/// ZeroMQ's PUB does (the recording is the lossless record). The counters report what was published.
public final class LiveTrackingStage: TelemetryRecordSink {
    /// The topic confirmed tracks are published on.
    public static let topic = "json/tracks"

    private var session: TrackingSession
    private var sockets = ZMQSocketGroup()
    private let lock = NSLock()
    private var published: UInt64 = 0
    private var publishErrors: UInt64 = 0
    private var snapshot = TrackerStatistics()
    private var incompleteScans = 0
    private var confirmedNow = 0
    /// Called with each confirmed track's state and its line, on the decode thread: the recorder and
    /// `--tracks-out` take them here.
    private let trackHook: (@Sendable (TrackOutput, String) -> Void)?
    /// Called with every step's confirmed tracks (none included), after `trackHook` had each: the
    /// recorder's picture of all tracks and its 3D scene.
    private let stepHook: (@Sendable (TrackerStep) -> Void)?
    /// Called after every step's outputs, on the decode thread, with the receive time of the frame
    /// whose record closed the step's scan and how many `json/tracks` messages the step published:
    /// `make bench` measures frame receipt to track publication with it.
    private let publicationProbe: (@Sendable (_ receivedAt: Timestamp, _ published: Int) -> Void)?
    /// The receive time of the frame whose record is being fed.
    private var frameReceivedAt = Timestamp(nanosecondsSinceEpoch: 0)

    /// A stage with `settings`, the site's origin and the configured sensors; publishing on `publish`
    /// (bound) when given.
    public init(settings: TrackerSettings, origin: GeodeticPosition, sensors: [SensorDescription],
                publish: String?, context: ZMQContext, trackHook: (@Sendable (TrackOutput, String) -> Void)? = nil,
                stepHook: (@Sendable (TrackerStep) -> Void)? = nil,
                publicationProbe: (@Sendable (_ receivedAt: Timestamp, _ published: Int) -> Void)? = nil) throws(ZMQError) {
        session = TrackingSession(settings: settings, origin: origin, sensors: sensors)
        self.trackHook = trackHook
        self.stepHook = stepHook
        self.publicationProbe = publicationProbe
        if let publish {
            let socket = try ZMQSocket(context: context, type: .pub)
            try socket.setOption(.sendHighWaterMark, 100_000)
            try socket.setOption(.linger, 1_000)
            try socket.bind(publish)
            sockets.add(socket)
        }
    }

    /// The endpoint actually bound (a `tcp://…:*` address resolved to its port), if publishing.
    public var boundEndpoint: String? {
        sockets.count > 0 ? sockets.withSocket(at: 0) { try? $0.lastEndpoint } : nil
    }

    public func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
        for scan in session.feed(record) { step(scan) }
    }

    public func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64, receivedAt: Timestamp) {
        frameReceivedAt = receivedAt
        for scan in session.feed(record) { step(scan) }
    }

    /// Ends the run: releases the scans still open and steps them.
    public func finish() {
        for scan in session.finishScans() { step(scan) }
    }

    private func step(_ scan: SensorScan) {
        guard let step = session.process(scan) else {
            publishCounters(sent: 0, refused: 0)
            return
        }
        var sent: UInt64 = 0, refused: UInt64 = 0
        if sockets.count > 0 || trackHook != nil {
            for track in step.tracks {
                let line = track.json(epoch: session.epoch)
                trackHook?(track, line)
                guard sockets.count > 0 else { continue }
                let payload = Array(line.utf8)
                let accepted = sockets.withSocket(at: 0) { socket in
                    (try? socket.send(topic: Self.topic, payload: payload, blocking: false)) ?? false
                }
                if accepted { sent += 1 } else { refused += 1 }
            }
        }
        stepHook?(step)
        publicationProbe?(frameReceivedAt, Int(sent))
        publishCounters(sent: sent, refused: refused)
    }

    /// Publishes the step's counters to `counters` readers: one lock per step, not per message.
    private func publishCounters(sent: UInt64, refused: UInt64) {
        let statistics = session.tracker.statistics
        let incomplete = session.assembler.incompleteScans
        let held = session.tracker.confirmedCount
        lock.lock()
        snapshot = statistics
        confirmedNow = held
        incompleteScans = incomplete
        published += sent
        publishErrors += refused
        lock.unlock()
    }

    /// The stage's counters, readable from any thread.
    public var counters: TrackingCounters {
        lock.lock()
        defer { lock.unlock() }
        return TrackingCounters(tracker: snapshot, incompleteScans: incompleteScans, published: published, publishFailures: publishErrors)
    }

    /// The confirmed tracks held at the last step, readable from any thread (the status line).
    public var confirmedTracks: Int {
        lock.lock()
        defer { lock.unlock() }
        return confirmedNow
    }
}

// The stage is created on the main thread, then used only by the decode thread between
// `TelemetryIngestor.start` and `stop` (which joins that thread), and read by the main thread only
// after. The PUB socket moves threads once, across the thread start's full memory barrier, as
// libzmq allows. `counters` is the only cross-thread read, and it takes the lock.
extension LiveTrackingStage: @unchecked Sendable {}
