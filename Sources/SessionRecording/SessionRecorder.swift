// The recorder: every received frame, and the truth and tracks decoded from them, into an MCAP file.
public import TelemetryIngest
public import TelemetryModel
public import MCAPCodec
import Geodesy
import Sapient
import Synchronization
import Foundation

/// Records a session as MCAP (layout: ``RecordingLayout``), as a raw-frame sink of the ingest
/// pipeline.
///
/// Frames arrive on the raw stage's thread in receive order and go straight into the open chunk
/// (a copy, no allocation per frame once the channel exists). A chunk closes at
/// ``RecordingOptions/chunkBytes`` and, on the raw stage's idle calls, once its first frame is
/// ``RecordingOptions/chunkSeconds`` old, so a crash (even `kill -9`) loses at most the open chunk:
/// everything before it is on disk in complete, self-contained chunks that `haechi recover` rebuilds.
///
/// Truth fixes, sensor sites and track lines come from the decode thread (``recordSink`` and
/// ``record(track:)``) through a locked queue that the raw thread drains into the file.
///
/// A write error (a full disk) stops the recording: ``failure`` says why, later frames are counted
/// in ``framesLost`` and not written, and the run is expected to stop and call ``finish(end:)``.
///
/// The channels are capped, since their number follows the input and an MCAP file holds at most
/// 65535: at most ``RecordingOptions/maximumFrameChannels`` frame channels (a source's frames of one
/// kind from one endpoint), after which frames that would need a new one go to their endpoint's
/// overflow channel (``RecordingLayout/overflowSource(endpoint:)``, every part of each frame kept),
/// counted in ``framesOverflowed``; likewise truth and track fixes past their caps go to one overflow
/// channel each, and sensor sites past theirs are left off the map (``fixesOverflowed``, ``sitesLeftOut``).
public final class SessionRecorder: RawFrameSink {
    /// The file being written.
    public let path: String
    /// The run the recording is of.
    public let run: RunProvenance
    /// The options.
    public let options: RecordingOptions

    private let output: FileDescriptorOutput
    private let writer: MCAPWriter
    private let plane: LocalTangentPlane
    private let endpointNames: [String]
    private var channels: [ChannelKey: UInt16] = [:]
    /// The most frame channels opened before frames go to the overflow channels: the option,
    /// lowered so that every channel the recorder may open fits in the file's 65535 IDs.
    private let frameChannelLimit: Int
    /// The overflow channels opened so far: at most one per endpoint and kind of frame.
    private var overflowChannels: [ChannelKey: UInt16] = [:]
    /// Truth and track channels opened (each capped by the options).
    private var truthChannelCount = 0
    private var trackChannelCount = 0
    /// The channels of the sources seen most recently, searched before `channels` by the words of
    /// `SourceWords`: frames come from a few sources at a time, and comparing those costs less than
    /// hashing the key or comparing strings that differ.
    private var recentChannels: [RecentChannel] = []
    /// Set by `finish` and `abandon` (the raw thread's check, rather than asking the writer per frame).
    private var closed = false
    /// The raw thread's own copy of "recording has failed" (the shared one is in `state`).
    private var failed = false
    private var schemaIDs: [String: UInt16] = [:]
    private var sideChannels: [String: UInt16] = [:]
    /// Per frame channel id, the index of its (endpoint, source) in `slotSenders` (-1: not a frame channel).
    private var channelSlots: [Int] = []
    private var slotIndices: [SenderSlot: Int] = [:]
    /// The sender of each (endpoint, source)'s latest frame, as the `haechi/senders` messages said.
    private var slotSenders: [FrameSender?] = []
    private var scratch: [UInt8] = []
    private var chunkOpenedAt: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private let side = Mutex<[SideMessage]>([])
    private var sideBuffer: [SideMessage] = []
    private let state = Mutex<State>(State())
    /// Frames in the open chunk: counted as recorded only once their chunk is written (raw thread).
    private var pendingFrames: UInt64 = 0
    /// Closed chunks that the writer's write-behind thread has not yet written, oldest first: the
    /// chunk's number (the writer's `chunkCount` once it closed) and its frames (raw thread).
    private var unwritten: [(chunk: Int, frames: UInt64)] = []
    /// The first and last recorded frames' receive times (raw thread; read by `finish`).
    private var firstFrameTime: UInt64?
    private var lastFrameTime: UInt64 = 0

    private struct SenderSlot: Hashable {
        var endpoint: Int
        var source: String
    }

    private struct ChannelKey: Hashable {
        var endpoint: Int
        var source: String
        var kind: RecordingLayout.FrameKind
    }

    /// A source's UTF-8 length and its first and last 8 bytes (zero-padded when shorter): equal for
    /// equal sources, and for sources of up to 16 bytes (`json/radar-12`) equal only for equal ones.
    /// Three word comparisons tell most keys apart, where comparing the strings takes a call per pair.
    private struct SourceWords: Equatable {
        var length: Int
        var head: UInt64
        var tail: UInt64

        init(_ source: String) {
            var text = source
            self = text.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                guard bytes.count >= 8 else {
                    var word: UInt64 = 0
                    for (i, byte) in bytes.enumerated() { word |= UInt64(byte) << (8 * UInt64(i)) }
                    return SourceWords(length: bytes.count, head: word, tail: 0)
                }
                return SourceWords(length: bytes.count, head: bytes.loadUnaligned(as: UInt64.self),
                                   tail: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
            }
        }

        private init(length: Int, head: UInt64, tail: UInt64) {
            self.length = length
            self.head = head
            self.tail = tail
        }
    }

    private struct RecentChannel {
        var words: SourceWords
        var key: ChannelKey
        var id: UInt16
        /// The channel is an overflow channel: the frame is stored whole (every part), since the
        /// channel does not name its source.
        var overflow: Bool

        @inline(__always)
        func matches(_ key: ChannelKey, _ words: SourceWords) -> Bool {
            words == self.words && key.endpoint == self.key.endpoint && key.kind == self.key.kind
                && (words.length <= 16 || key.source == self.key.source)
        }
    }

    private struct SideMessage: Sendable {
        var topic: String
        var schema: String
        var time: UInt64
        var data: [UInt8]
        var group = SideGroup.single
    }

    /// Which cap a side channel counts against.
    private enum SideGroup: Sendable {
        /// `haechi/tracks`, `/sites`, `haechi/frame_flags`: one channel each.
        case single
        /// A drone's `/truth/<drone>`.
        case truth
        /// A track's `/tracks/<id>`.
        case track
    }

    private struct State: Sendable {
        var failure: RecordingError?
        var framesRecorded: UInt64 = 0
        var framesLost: UInt64 = 0
        var framesOverflowed: UInt64 = 0
        var fixesOverflowed: UInt64 = 0
        var sitesLeftOut: UInt64 = 0
        var finished = false
    }

    /// The folder that holds `path`: the summary's scratch file goes there, on the recording's disk.
    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Creates `path` (never overwriting a file) and writes the header and the `haechi.run` metadata.
    public init(path: String, run: RunProvenance, endpointNames: [String], options: RecordingOptions = RecordingOptions()) throws(RecordingError) {
        self.path = path
        self.run = run
        self.options = options
        self.endpointNames = endpointNames
        self.plane = LocalTangentPlane(origin: run.siteOrigin)
        self.frameChannelLimit = RecordingLayout.frameChannelLimit(options: options, endpointCount: endpointNames.count)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw RecordingError(code: .cannotCreate, message: "cannot create the recording \(path): \(String(cString: strerror(code)))"
                                 + (code == EEXIST ? " (recordings are never overwritten)" : ""))
        }
        // Held while recording: `SessionFiles.unfinished` skips a file another run is still writing.
        _ = flock(descriptor, LOCK_EX | LOCK_NB)
        output = FileDescriptorOutput(fileDescriptor: descriptor)
        writer = MCAPWriter(output: output, options: MCAPWriterOptions(profile: RecordingLayout.profile, library: "haechi \(run.version)",
                                                                       chunkSize: options.chunkBytes, compression: options.compression,
                                                                       writeBehind: true,
                                                                       summarySpillDirectory: Self.folder(of: path)))
        do {
            try writer.start()
            try writer.addMetadata(name: RecordingLayout.runMetadata, run.metadata)
        } catch {
            writer.waitForOutput()
            _ = close(descriptor)
            throw RecordingError(code: .writeFailed, message: "cannot write the recording \(path): \(error.message)", cause: error)
        }
    }

    /// Why recording stopped early, if it did.
    public var failure: RecordingError? { state.withLock { $0.failure } }
    /// Frames written to the file (in closed chunks).
    public var framesRecorded: UInt64 { state.withLock { $0.framesRecorded } }
    /// Frames not written because recording had failed (those of the chunk whose write failed included).
    public var framesLost: UInt64 { state.withLock { $0.framesLost } }
    /// Frames put on an overflow channel because the frame channels had reached their cap.
    public var framesOverflowed: UInt64 { state.withLock { $0.framesOverflowed } }
    /// Truth and track fixes put on `/truth/!overflow` or `/tracks/!overflow` because their channels
    /// had reached their caps.
    public var fixesOverflowed: UInt64 { state.withLock { $0.fixesOverflowed } }
    /// Sensor records of sensors left off `/sites` because it already held ``RecordingOptions/maximumSites``.
    public var sitesLeftOut: UInt64 { state.withLock { $0.sitesLeftOut } }

    // MARK: The raw thread

    public func receive(_ frame: borrowing RawFrame) {
        if failed || closed {
            state.withLock { $0.framesLost += 1 }
            return
        }
        let good = frame.rejection == nil && !frame.isTruncated && frame.parts.count == 2
            && frame.sourceKey.utf8.first != UInt8(ascii: "!")
        let kind: RecordingLayout.FrameKind = !frame.wasDecoded ? .shed : (good ? .decoded : .malformed)
        let key = ChannelKey(endpoint: frame.endpointIndex, source: frame.sourceKey, kind: kind)
        do throws(MCAPError) {
            let words = SourceWords(key.source)
            var channel: UInt16 = 0
            var overflow = false
            for recent in recentChannels.indices where recentChannels[recent].matches(key, words) {
                channel = recentChannels[recent].id
                overflow = recentChannels[recent].overflow
                break
            }
            if channel == 0 {  // channel IDs start at 1
                (channel, overflow) = try channelID(for: key)
                if recentChannels.count == 16 { recentChannels.removeFirst() }
                recentChannels.append(RecentChannel(words: words, key: key, id: channel, overflow: overflow))
            }
            let time = UInt64(max(0, frame.receiveTime.nanosecondsSinceEpoch))
            if firstFrameTime == nil { firstFrameTime = time }
            lastFrameTime = max(lastFrameTime, time)
            let sequence = UInt32(truncatingIfNeeded: frame.receiveSequence)
            if pendingIsEmpty { chunkOpenedAt = clock.now }
            // An overflow channel's frames share one sender slot, named by the channel's source as replay
            // reads it, so that the number of sources costs no memory here either.
            let slotKey = overflow
                ? ChannelKey(endpoint: key.endpoint, source: RecordingLayout.overflowSource(endpoint: endpointName(key.endpoint)), kind: key.kind)
                : key
            let slot = senderSlot(channel: channel, key: slotKey)
            if slotSenders[slot] !== frame.sender {
                // Who sends this source's frames from here on (docs/recording.md): replay reads it back.
                slotSenders[slot] = frame.sender
                let change = RecordingLayout.senderChange(sequence: frame.receiveSequence, endpoint: frame.endpointIndex,
                                                          source: slotKey.source, sender: frame.sender)
                try writer.addMessage(channelID: try sideChannel(RecordingLayout.sendersTopic, schema: RecordingLayout.senderSchema),
                                      sequence: sequence, logTime: time, publishTime: time, data: change)
            }
            switch kind {
            case .decoded where !overflow:
                try writer.addMessage(channelID: channel, sequence: sequence, logTime: time, publishTime: time, data: frame.payload)
            case .decoded, .malformed, .shed:
                // A malformed frame's reason, and a frame cut short's size as it arrived, go just before it.
                if kind == .malformed || frame.isTruncated {
                    let flags = RecordingLayout.frameFlags(sequence: frame.receiveSequence, endpoint: frame.endpointIndex,
                                                           reason: frame.rejection, truncated: frame.isTruncated,
                                                           payloadBytes: frame.isTruncated ? frame.payloadBytes : nil)
                    try writer.addMessage(channelID: try sideChannel(RecordingLayout.flagsTopic, schema: RecordingLayout.frameFlagsSchema),
                                          sequence: sequence, logTime: time, publishTime: time, data: flags)
                }
                RecordingLayout.encodeMultipart(frame.parts, into: &scratch)
                try writer.addMessage(channelID: channel, sequence: sequence, logTime: time, publishTime: time, data: scratch)
            }
            pendingFrames += 1
            if overflow { state.withLock { $0.framesOverflowed += 1 } }
            if pendingIsEmpty { chunkClosed() }
        } catch {
            fail(error)
            state.withLock { $0.framesLost += 1 }
        }
    }

    /// The open chunk was closed: its frames wait for the write-behind thread to write it.
    private func chunkClosed() {
        if pendingFrames > 0 {
            unwritten.append((writer.chunkCount, pendingFrames))
            pendingFrames = 0
        }
        settleWritten()
    }

    /// Counts as recorded the frames of the chunks the output has taken.
    private func settleWritten() {
        guard let first = unwritten.first else { return }
        let written = writer.chunksWritten
        guard first.chunk <= written else { return }
        var frames: UInt64 = 0, settled = 0
        while settled < unwritten.count && unwritten[settled].chunk <= written {
            frames += unwritten[settled].frames
            settled += 1
        }
        unwritten.removeFirst(settled)
        state.withLock { $0.framesRecorded += frames }
    }

    /// Writes what the decode thread queued (truth, tracks, sites) and closes the chunk once it is
    /// `chunkDuration` old. The raw stage calls it after every batch of frames, and at least every
    /// 200 ms: the side queue is drained here rather than per frame, to keep its lock off the hot path.
    public func idle() {
        guard !failed, !closed else { return }
        do throws(MCAPError) {
            drainSide()
            if let opened = chunkOpenedAt, !pendingIsEmpty, clock.now - opened >= options.chunkDuration {
                try writer.closeChunk()
                chunkOpenedAt = nil
                chunkClosed()
            } else {
                settleWritten()
            }
        } catch {
            fail(error)
        }
    }

    /// Waits until every closed chunk is on the file (the writer writes them on a thread of its own),
    /// and counts their frames in ``framesRecorded``. The open chunk stays open. Raw thread.
    public func waitForClosedChunks() {
        writer.waitForOutput()
        settleWritten()
    }

    private var pendingIsEmpty: Bool { writer.pendingBytes == 0 }

    /// The sender slot of a frame channel: one per (endpoint, source), whatever the frame's kind.
    private func senderSlot(channel: UInt16, key: ChannelKey) -> Int {
        let index = Int(channel)
        if index < channelSlots.count, channelSlots[index] >= 0 { return channelSlots[index] }
        let slotKey = SenderSlot(endpoint: key.endpoint, source: key.source)
        let slot = slotIndices[slotKey] ?? {
            slotSenders.append(nil)
            slotIndices[slotKey] = slotSenders.count - 1
            return slotSenders.count - 1
        }()
        if index >= channelSlots.count { channelSlots += Array(repeating: -1, count: index + 1 - channelSlots.count) }
        channelSlots[index] = slot
        return slot
    }

    /// The channel of `key`'s frames, opened if need be; past the cap, the endpoint's overflow channel
    /// for the kind (and `key` is not remembered, so the number of sources costs no memory here).
    private func channelID(for key: ChannelKey) throws(MCAPError) -> (id: UInt16, overflow: Bool) {
        if let id = channels[key] { return (id, false) }
        guard channels.count < frameChannelLimit else { return (try overflowChannel(endpoint: key.endpoint, kind: key.kind), true) }
        let topic = RecordingLayout.frameTopic(source: key.source, kind: key.kind)
        let encoding: String
        var schema: UInt16 = 0
        if key.kind != .decoded {
            encoding = RecordingLayout.multipartEncoding
        } else if key.source.hasPrefix("json/") {
            encoding = "json"
            schema = try schemaID("haechi.TelemetryRecord", RecordingLayout.telemetryRecordSchema)
        } else if key.source.hasPrefix("asterix/") {
            encoding = RecordingLayout.asterixEncoding
        } else if key.source.hasPrefix("sapient/") {
            // MCAP's `protobuf` encoding: the message type's name and a FileDescriptorSet as the schema,
            // so Foxglove and the mcap readers decode the frames as they are.
            encoding = SapientSchema.messageEncoding
            schema = try schemaID(SapientSchema.messageName, encoding: SapientSchema.schemaEncoding, data: SapientSchema.descriptorSet)
        } else {
            encoding = RecordingLayout.mavlinkEncoding
        }
        let id = try writer.addChannel(topic: topic, messageEncoding: encoding, schemaID: schema,
                                       metadata: ["endpoint": endpointName(key.endpoint), "endpoint_index": "\(key.endpoint)",
                                                  "source": key.source, "frames": key.kind.rawValue])
        channels[key] = id
        return (id, false)
    }

    /// Endpoint `index`'s overflow channel for frames of `kind`: every part of each frame, since its
    /// frames come from many sources.
    private func overflowChannel(endpoint index: Int, kind: RecordingLayout.FrameKind) throws(MCAPError) -> UInt16 {
        let name = endpointName(index)
        let source = RecordingLayout.overflowSource(endpoint: name)
        let key = ChannelKey(endpoint: index, source: source, kind: kind)
        if let id = overflowChannels[key] { return id }
        let id = try writer.addChannel(topic: RecordingLayout.frameTopic(source: source, kind: kind),
                                       messageEncoding: RecordingLayout.multipartEncoding, schemaID: 0,
                                       metadata: ["endpoint": name, "endpoint_index": "\(index)", "source": source,
                                                  "frames": kind.rawValue])
        overflowChannels[key] = id
        return id
    }

    private func endpointName(_ index: Int) -> String {
        index >= 0 && index < endpointNames.count ? endpointNames[index] : "\(index)"
    }

    private func schemaID(_ name: String, _ text: String) throws(MCAPError) -> UInt16 {
        try schemaID(name, encoding: "jsonschema", data: Array(text.utf8))
    }

    private func schemaID(_ name: String, encoding: String, data: [UInt8]) throws(MCAPError) -> UInt16 {
        if let id = schemaIDs[name] { return id }
        let id = try writer.addSchema(name: name, encoding: encoding, data: data)
        schemaIDs[name] = id
        return id
    }

    /// The channel of a side message: its own, or past its group's cap the group's overflow channel.
    private func sideChannel(_ message: SideMessage) throws(MCAPError) -> UInt16 {
        if let id = sideChannels[message.topic] { return id }
        switch message.group {
        case .single:
            break
        case .truth:
            guard truthChannelCount < options.maximumTruthChannels else {
                state.withLock { $0.fixesOverflowed += 1 }
                return try sideChannel(RecordingLayout.truthOverflowTopic, schema: message.schema)
            }
            truthChannelCount += 1
        case .track:
            guard trackChannelCount < options.maximumTrackChannels else {
                state.withLock { $0.fixesOverflowed += 1 }
                return try sideChannel(RecordingLayout.trackOverflowTopic, schema: message.schema)
            }
            trackChannelCount += 1
        }
        return try sideChannel(message.topic, schema: message.schema)
    }

    private func sideChannel(_ topic: String, schema: String) throws(MCAPError) -> UInt16 {
        if let id = sideChannels[topic] { return id }
        let schemaName = schema == RecordingLayout.locationFixSchema ? "foxglove.LocationFix"
            : schema == RecordingLayout.geoJSONSchema ? "foxglove.GeoJSON"
            : schema == FoxgloveMessages.locationFixesSchema ? "foxglove.LocationFixes"
            : schema == FoxgloveMessages.sceneUpdateSchema ? "foxglove.SceneUpdate"
            : schema == RecordingLayout.trackLineSchema ? "haechi.Track"
            : schema == RecordingLayout.senderSchema ? "haechi.FrameSender" : "haechi.FrameFlags"
        let id = try writer.addChannel(topic: topic, messageEncoding: "json", schemaID: try schemaID(schemaName, schema))
        sideChannels[topic] = id
        return id
    }

    /// Writes what the decode thread queued.
    private func drainSide() {
        side.withLock { swap(&$0, &sideBuffer) }
        guard !sideBuffer.isEmpty else { return }
        defer { sideBuffer.removeAll(keepingCapacity: true) }
        do throws(MCAPError) {
            for message in sideBuffer {
                if pendingIsEmpty { chunkOpenedAt = clock.now }
                // log_time is when it was recorded (the latest frame's receive time, as the frames'
                // own), so one timeline orders everything; publish_time is the record's own time.
                let logTime = lastFrameTime > 0 ? lastFrameTime : message.time
                try writer.addMessage(channelID: try sideChannel(message), sequence: 0,
                                      logTime: logTime, publishTime: message.time, data: message.data)
                if pendingIsEmpty { chunkClosed() }
            }
        } catch {
            fail(error)
        }
    }

    private func fail(_ error: MCAPError) {
        failed = true
        // What the write-behind thread wrote before the error is recorded; the rest is lost.
        writer.waitForOutput()
        settleWritten()
        let lost = pendingFrames + unwritten.reduce(0) { $0 + $1.frames }
        pendingFrames = 0
        unwritten.removeAll()
        state.withLock {
            $0.framesLost += lost
            if $0.failure == nil {
                $0.failure = RecordingError(code: .writeFailed, message: "recording to \(path) failed: \(error.message)", cause: error)
            }
        }
    }

    // MARK: The decode thread

    /// Queues a decoded record worth showing on a map: a truth fix, or a sensor's site.
    public func record(_ record: TelemetryRecord) {
        switch record {
        case .truth(let fix):
            let time = UInt64(max(0, fix.time.nanosecondsSinceEpoch))
            let message = SideMessage(topic: RecordingLayout.truthTopic(drone: fix.droneID), schema: RecordingLayout.locationFixSchema,
                                      time: time, data: RecordingLayout.locationFix(time: fix.time, frame: "truth/\(fix.droneID)",
                                                                                    position: fix.position),
                                      group: .truth)
            side.withLock { $0.append(message) }
        case .sensor(let sensor):
            guard sites[sensor.sensorID] != nil || sites.count < options.maximumSites else {
                state.withLock { $0.sitesLeftOut += 1 }
                return
            }
            let site = sensor.position == nil ? sensorWithPosition(sensor) : sensor
            // The 3D scene is rebuilt only when a site changed: a sender may repeat its sensor record
            // as often as it likes, and each scene draws a 73-point ring per sensor.
            let changed = sites[sensor.sensorID] != site
            sites[sensor.sensorID] = site
            let message = SideMessage(topic: RecordingLayout.sitesTopic, schema: RecordingLayout.geoJSONSchema,
                                      time: siteTime, data: RecordingLayout.sites(Array(sites.values)))
            let scene = changed ? sensorScene(at: siteTime) : nil
            side.withLock {
                $0.append(message)
                if let scene { $0.append(scene) }
            }
        default:
            break
        }
    }

    /// Sensors seen so far (decode thread only).
    private var sites: [String: SensorDescription] = [:]
    private var siteTime: UInt64 = 0

    private func sensorWithPosition(_ sensor: SensorDescription) -> SensorDescription {
        var out = sensor
        if let enu = sensor.enu { out.position = plane.geodetic(enu) }
        return out
    }

    /// Sets the time stamped on site messages (the latest record time seen; decode thread).
    public func noteTime(_ time: Timestamp) { siteTime = max(siteTime, UInt64(max(0, time.nanosecondsSinceEpoch))) }

    /// Queues the sites known from the configuration, stamped `time`.
    public func recordSites(_ sensors: [SensorDescription], at time: Timestamp) {
        siteTime = max(siteTime, UInt64(max(0, time.nanosecondsSinceEpoch)))
        // The configured sensors are not capped: the config, not the input, lists them.
        for sensor in sensors { sites[sensor.sensorID] = sensor.position == nil ? sensorWithPosition(sensor) : sensor }
        let message = SideMessage(topic: RecordingLayout.sitesTopic, schema: RecordingLayout.geoJSONSchema,
                                  time: UInt64(max(0, time.nanosecondsSinceEpoch)), data: RecordingLayout.sites(Array(sites.values)))
        let scene = sensorScene(at: UInt64(max(0, time.nanosecondsSinceEpoch)))
        side.withLock {
            $0.append(message)
            $0.append(scene)
        }
    }

    /// Queues one confirmed track's state: its published line on `haechi/tracks`, and its position as a
    /// LocationFix on `/tracks/<id>` (decode thread).
    public func record(track id: Int, time: Timestamp, enu: ENUVector, velocity: ENUVector, horizontalVariance: Double,
                       verticalVariance: Double, line: String) {
        let t = UInt64(max(0, time.nanosecondsSinceEpoch))
        let fix = RecordingLayout.locationFix(time: time, frame: "track/\(id)", position: plane.geodetic(enu),
                                              horizontalVariance: horizontalVariance, verticalVariance: verticalVariance,
                                              color: FoxgloveMessages.trackColor, velocity: velocity)
        side.withLock {
            $0.append(SideMessage(topic: RecordingLayout.tracksTopic, schema: RecordingLayout.trackLineSchema, time: t,
                                  data: Array(line.utf8)))
            $0.append(SideMessage(topic: RecordingLayout.trackTopic(id: id), schema: RecordingLayout.locationFixSchema, time: t, data: fix,
                                  group: .track))
        }
    }

    /// Queues one tracker step's confirmed tracks (none included) as the map's picture of all tracks
    /// (`/tracks`, `foxglove.LocationFixes`) and the 3D scene's (`/scene/tracks`, `foxglove.SceneUpdate`)
    /// (decode thread).
    public func record(step time: Timestamp, tracks: [(id: Int, enu: ENUVector, velocity: ENUVector, horizontalVariance: Double,
                                                      verticalVariance: Double)]) {
        let t = UInt64(max(0, time.nanosecondsSinceEpoch))
        let states = tracks.map {
            FoxgloveMessages.TrackState(id: $0.id, enu: $0.enu, velocity: $0.velocity, position: plane.geodetic($0.enu),
                                        horizontalVariance: $0.horizontalVariance, verticalVariance: $0.verticalVariance)
        }
        let fixes = FoxgloveMessages.trackFixes(time: time, tracks: states)
        let scene = FoxgloveMessages.trackScene(time: time, tracks: states)
        side.withLock {
            $0.append(SideMessage(topic: RecordingLayout.trackFixesTopic, schema: FoxgloveMessages.locationFixesSchema, time: t, data: fixes))
            $0.append(SideMessage(topic: RecordingLayout.trackSceneTopic, schema: FoxgloveMessages.sceneUpdateSchema, time: t, data: scene))
        }
    }

    /// The sensors as the 3D scene shows them (`/scene/sensors`), stamped `time` (decode thread).
    private func sensorScene(at time: UInt64) -> SideMessage {
        let sensors = sites.values.sorted { $0.sensorID < $1.sensorID }.compactMap { sensor -> (id: String, kind: String, enu: ENUVector, maximumRange: Double?)? in
            guard let enu = sensor.enu ?? sensor.position.map(plane.enu) else { return nil }
            return (sensor.sensorID, sensor.kind, enu, sensor.maximumRange)
        }
        return SideMessage(topic: RecordingLayout.sensorSceneTopic, schema: FoxgloveMessages.sceneUpdateSchema, time: time,
                           data: FoxgloveMessages.sensorScene(time: Timestamp(nanosecondsSinceEpoch: Int64(clamping: time)), sensors: sensors))
    }

    // MARK: The end

    /// Closes and deletes the file: for a run that failed to start, so that no empty recording is
    /// left to be reported as unfinished.
    public func abandon() {
        state.withLock { $0.finished = true }
        closed = true
        writer.waitForOutput()
        try? output.close()
        unlink(path)
    }

    /// Writes what is still queued, the `haechi.run_end` metadata, and the summary; closes the file.
    /// Call once the pipeline has stopped. Throws (and leaves a file that `haechi recover` repairs)
    /// when the disk refuses.
    public func finish(end: [String: String]) throws(RecordingError) {
        guard state.withLock({ !$0.finished }) else { return }
        state.withLock { $0.finished = true }
        closed = true
        defer {
            writer.waitForOutput()
            try? output.close()
        }
        drainSide()
        if let failure { throw failure }
        do {
            var metadata = end
            // Every frame handed to the writer: the chunks not yet written and the open one included.
            metadata["frames_recorded"] = "\(framesRecorded + unwritten.reduce(pendingFrames) { $0 + $1.frames })"
            if let firstFrameTime {
                metadata["first_frame_ns"] = "\(firstFrameTime)"
                metadata["last_frame_ns"] = "\(lastFrameTime)"
            }
            metadata["frames_overflowed"] = "\(framesOverflowed)"
            try writer.addMetadata(name: RecordingLayout.endMetadata, metadata)
            try writer.finish()
            chunkClosed()
            try output.synchronize()
        } catch {
            throw RecordingError(code: .writeFailed, message: "cannot finalise the recording \(path): \(error.message); "
                                 + "`haechi recover \(path)` rebuilds what was written", cause: error)
        }
    }
}

// The recorder is made on the main thread, then used by the raw stage's thread (frames, `idle`) and
// the decode stage's thread (`record`, `recordSites`, `noteTime`: `sites` and `siteTime` are theirs
// alone) until the pipeline stops, and by the main thread after (`finish`). What crosses threads
// goes through `side` and `state`, both Mutexes.
extension SessionRecorder: @unchecked Sendable {}

/// How a session is recorded.
public struct RecordingOptions: Sendable, Hashable {
    /// A chunk closes at this many uncompressed bytes.
    public var chunkBytes: Int
    /// …or once its first message is this old.
    public var chunkDuration: Duration
    /// Chunk compression.
    public var compression: MCAPCompression
    /// At most this many frame channels (one per endpoint, source and kind of frame: decoded,
    /// malformed, shed); frames that would need another go to their endpoint's overflow channel.
    /// `haechi ingest` sets it to `limits.max_sources`. Lowered if need be so that every channel the
    /// recorder may open fits in MCAP's 65535 channel IDs (``RecordingLayout/frameChannelLimit(options:endpointCount:)``).
    public var maximumFrameChannels: Int
    /// At most this many `/truth/<drone>` channels; later drones' fixes go to `/truth/!overflow`.
    public var maximumTruthChannels: Int
    /// At most this many `/tracks/<id>` channels; later tracks' fixes go to `/tracks/!overflow`.
    public var maximumTrackChannels: Int
    /// At most this many sensors on `/sites` (the configured ones always are); sensor records of
    /// further sensors are counted and left off the map.
    public var maximumSites: Int

    /// Options; the defaults are 1 MiB chunks, closed after 1 s, uncompressed, 4096 frame channels,
    /// 1024 truth channels, 8192 track channels and 256 sites.
    public init(chunkBytes: Int = 1 << 20, chunkDuration: Duration = .seconds(1), compression: MCAPCompression = .none,
                maximumFrameChannels: Int = 4096, maximumTruthChannels: Int = 1024, maximumTrackChannels: Int = 8192,
                maximumSites: Int = 256) {
        self.chunkBytes = chunkBytes
        self.chunkDuration = chunkDuration
        self.compression = compression
        self.maximumFrameChannels = maximumFrameChannels
        self.maximumTruthChannels = maximumTruthChannels
        self.maximumTrackChannels = maximumTrackChannels
        self.maximumSites = maximumSites
    }
}

/// A chunk compression by name, as the command line and config give it.
public enum RecordingCompression: String, Sendable, CaseIterable {
    case none, zstd, lz4

    /// Parses `none`, `zstd` or `lz4`.
    public init?(_ text: String) { self.init(rawValue: text) }

    /// The codec's setting.
    public var codec: MCAPCompression {
        switch self {
        case .none: .none
        case .zstd: .zstd(level: 3)
        case .lz4: .lz4
        }
    }
}
