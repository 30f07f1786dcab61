// The recorder and the reader: every frame back exactly, on the right channel, never overwriting,
// readable up to the last closed chunk before the file is finalised.
import Testing
import Foundation
import MCAPCodec
import TelemetryIngest
import TelemetryModel
import TestSupport
@testable import SessionRecording

@Suite("Session recording")
struct SessionRecorderTests {
    static let origin = GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5)
    static let t0 = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)

    static func run(_ id: String) -> RunProvenance {
        RunProvenance(runID: id, configFile: "Config/ingest.yaml", configText: "site: {}\n", trackerText: "motion: {}\n",
                      version: "0.1.0", commit: "abc", siteName: "test site", siteOrigin: origin, started: t0)
    }

    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-recording-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }

    /// Frames of every kind: good JSON, bad JSON, a good-looking MAVLink topic with junk, a
    /// three-part message, a frame without a topic.
    static let frames: [(endpoint: Int, parts: [[UInt8]])] = [
        (0, [Array("json/radar-1".utf8), Array(#"{"type":"detection","t_ns":5,"sensor_id":"radar-1","scan_id":1,"azimuth_deg":1}"#.utf8)]),
        (0, [Array("json/radar-1".utf8), Array("{nope".utf8)]),
        (1, [Array("mavlink/drone-7".utf8), [0xFD, 0x01, 0x02]]),
        (0, [Array("json/radar-1".utf8), Array("{}".utf8), Array("extra".utf8)]),
        (1, [Array("no topic here".utf8), Array("payload".utf8)]),
        (0, [Array("json/radar-2".utf8), Array(#"{"type":"detection","t_ns":6,"sensor_id":"radar-2","scan_id":1,"azimuth_deg":2}"#.utf8)]),
    ]

    /// Feeds `frames` through a FrameProcessor and on to `recorder`, as the pipeline's raw stage does.
    static func feed(_ recorder: SessionRecorder, _ frames: [(endpoint: Int, parts: [[UInt8]])], from start: Int = 0) {
        let feeder = RawFrameFeeder(FrameProcessor(endpointNames: ["sensors", "drones"], maximumFrameBytes: 1 << 20, siteGeoidSeparation: 23),
                                    endpointNames: ["sensors", "drones"], rawSinks: [recorder])
        for (offset, frame) in frames.enumerated() {
            let index = start + offset
            feeder.feed(frame.parts, endpoint: frame.endpoint,
                        receivedAt: Timestamp(nanosecondsSinceEpoch: t0.nanosecondsSinceEpoch + Int64(index) * 1_000_000),
                        sequence: UInt64(index))
        }
    }

    @Test("Every frame comes back exactly, in order, with its endpoint, time, sequence and verdict")
    func roundTrip() throws {
        let path = Self.temporaryPath("run.mcap")
        let recorder = try SessionRecorder(path: path, run: Self.run("r1"), endpointNames: ["sensors", "drones"])
        Self.feed(recorder, Self.frames)
        try recorder.finish(end: ["stop_reason": "signal"])
        #expect(recorder.framesRecorded == UInt64(Self.frames.count) && recorder.framesLost == 0)

        let session = try RecordedSession(path: path)
        #expect(session.isFinalised)
        #expect(session.provenance == Self.run("r1"))
        #expect(session.end?["stop_reason"] == "signal" && session.end?["frames_recorded"] == "6")
        var read: [RecordedFrame] = []
        try session.forEachFrame { read.append($0); return true }
        #expect(read.count == Self.frames.count)
        for (index, frame) in read.enumerated() {
            #expect(frame.parts == Self.frames[index].parts)
            #expect(frame.endpointIndex == Self.frames[index].endpoint)
            #expect(frame.receiveSequence == UInt64(index))
            #expect(frame.receiveTime.nanosecondsSinceEpoch == Self.t0.nanosecondsSinceEpoch + Int64(index) * 1_000_000)
        }
        #expect(read.map(\.kind) == [.decoded, .malformed, .malformed, .malformed, .malformed, .decoded])

        // The channels a reader sees: topics, encodings, and a reason before each malformed frame.
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let messages = try MCAPReader([UInt8](bytes)).readAllMessages()
        let topics = Set(messages.map(\.channel.topic))
        #expect(topics.isSuperset(of: ["json/radar-1", "json/radar-2", "malformed/json/radar-1", "malformed/mavlink/drone-7",
                                       "malformed/!bad-topic@drones", RecordingLayout.flagsTopic]))
        let flags = messages.filter { $0.channel.topic == RecordingLayout.flagsTopic }
            .map { try? JSONSerialization.jsonObject(with: Data($0.data)) as? [String: Any] }
        #expect(flags.count == 4)
        #expect(flags.compactMap { $0?["reason"] as? String }.count == 4)
        for message in messages where message.channel.topic.hasPrefix("json/") {
            #expect(message.channel.messageEncoding == "json" && message.schema?.encoding == "jsonschema")
        }
    }

    @Test("Each source gets its own channel: long names alike at both ends, short ones, two endpoints, past the 16 sources looked up first")
    func channelPerSource() throws {
        // 20 long topics sharing their first and last 8 bytes, 4 short ones, and one topic on both
        // endpoints, interleaved so the short list of recent sources keeps turning over.
        let long = (0..<20).map { "json/radar-\($0 < 10 ? "0" : "")\($0)-north-site" }   // 24 bytes each
        let short = ["json/r1", "json/r2", "json/a", "json/b"]
        var frames: [(endpoint: Int, parts: [[UInt8]])] = []
        for round in 0..<3 {
            for (i, topic) in (long + short).enumerated() {
                let payload = #"{"type":"detection","t_ns":\#(round * 100 + i),"sensor_id":"r","scan_id":1,"azimuth_deg":1}"#
                frames.append((0, [Array(topic.utf8), Array(payload.utf8)]))
            }
            frames.append((1, [Array("json/r1".utf8), Array(#"{"type":"detection","t_ns":1,"sensor_id":"r","scan_id":1,"azimuth_deg":1}"#.utf8)]))
        }
        let path = Self.temporaryPath("sources.mcap")
        let recorder = try SessionRecorder(path: path, run: Self.run("s"), endpointNames: ["sensors", "drones"])
        Self.feed(recorder, frames)
        try recorder.finish(end: [:])

        let session = try RecordedSession(path: path)
        var read: [RecordedFrame] = []
        try session.forEachFrame { read.append($0); return true }
        #expect(read.map(\.parts) == frames.map(\.parts))
        #expect(read.map(\.endpointIndex) == frames.map(\.endpoint))
        // Each (endpoint, topic) on one channel, and a channel for each.
        let messages = try MCAPReader([UInt8](try #require(FileManager.default.contents(atPath: path)))).readAllMessages()
            .filter { !$0.channel.topic.hasPrefix("haechi/") }
        var channelOf: [String: Set<UInt16>] = [:]
        for message in messages {
            let endpoint = message.channel.metadata["endpoint"] ?? "?"
            channelOf[endpoint + " " + message.channel.topic, default: []].insert(message.channel.id)
        }
        #expect(channelOf.count == long.count + short.count + 1)
        #expect(channelOf.values.allSatisfy { $0.count == 1 })
        #expect(Set(channelOf.values.map { $0.first! }).count == channelOf.count)
    }

    /// One frame of each of `count` distinct topics, as a sender inventing topics sends them: good
    /// JSON on endpoint 0, with every tenth frame bad JSON and every hundredth a three-part envelope.
    static func inventedTopics(_ count: Int) -> [(endpoint: Int, parts: [[UInt8]])] {
        (0..<count).map { n in
            let topic = Array("json/s\(n)".utf8)
            if n % 100 == 99 { return (0, [topic, Array("{}".utf8), Array("extra".utf8)]) }
            if n % 10 == 9 { return (0, [topic, Array("{nope".utf8)]) }
            return (0, [topic, Array(#"{"type":"detection","t_ns":\#(n),"sensor_id":"s","scan_id":1,"azimuth_deg":1}"#.utf8)])
        }
    }

    /// Records `frames` (counted by a processor with the default 4096 sources) and reads them back;
    /// checks that every frame comes back exactly, in order, and that replaying the file counts what
    /// the live processor counted. Returns the recorder and what a reader sees of the channels.
    static func recordAndCheck(_ frames: [(endpoint: Int, parts: [[UInt8]])], options: RecordingOptions,
                               name: String) throws -> (SessionRecorder, [MCAPChannelMessage]) {
        let path = temporaryPath(name)
        let recorder = try SessionRecorder(path: path, run: run(name), endpointNames: ["sensors", "drones"], options: options)
        let live = RawFrameFeeder(FrameProcessor(endpointNames: ["sensors", "drones"], maximumFrameBytes: 1 << 20, siteGeoidSeparation: 23),
                                  endpointNames: ["sensors", "drones"], rawSinks: [recorder])
        for (index, frame) in frames.enumerated() {
            live.feed(frame.parts, endpoint: frame.endpoint,
                      receivedAt: Timestamp(nanosecondsSinceEpoch: t0.nanosecondsSinceEpoch + Int64(index)), sequence: UInt64(index))
        }
        try recorder.finish(end: ["stop_reason": "signal"])
        #expect(recorder.failure == nil)
        #expect(recorder.framesRecorded == UInt64(frames.count) && recorder.framesLost == 0)

        let session = try RecordedSession(path: path)
        #expect(session.isFinalised)
        #expect(session.end?["frames_overflowed"] == "\(recorder.framesOverflowed)")
        let replayed = FrameProcessor(endpointNames: ["sensors", "drones"], maximumFrameBytes: 1 << 20, siteGeoidSeparation: 23)
        var index = 0
        var allBack = true
        try session.forEachFrame { frame in
            allBack = allBack && index < frames.count && frame.parts == frames[index].parts
                && frame.endpointIndex == frames[index].endpoint && frame.receiveSequence == UInt64(index)
            FrameProcessor.lend(frame.parts) {
                _ = replayed.process(parts: $0, endpoint: frame.endpointIndex, receivedAt: frame.receiveTime, sequence: frame.receiveSequence)
            }
            index += 1
            return true
        }
        #expect(allBack && index == frames.count)
        #expect(replayed.statistics == live.processor.statistics)
        #expect(live.processor.statistics.totals.framesReceived == UInt64(frames.count))
        let messages = try MCAPReader([UInt8](try #require(FileManager.default.contents(atPath: path)))).readAllMessages()
        return (recorder, messages)
    }

    @Test("100,000 invented topics: 4096 frame channels, then the overflow channels; every frame kept, counted and replayed")
    func inventedTopicsOverflow() throws {
        let frames = Self.inventedTopics(100_000)
        let (recorder, messages) = try Self.recordAndCheck(frames, options: RecordingOptions(), name: "invented.mcap")
        let frameMessages = messages.filter { $0.channel.metadata["frames"] != nil }
        let channels = Set(frameMessages.map(\.channel.id))
        #expect(channels.count == 4096 + 2)   // the cap, then !overflow@sensors and malformed/!overflow@sensors
        let overflow = frameMessages.filter { $0.channel.metadata["source"] == "!overflow@sensors" }
        #expect(Set(overflow.map(\.channel.topic)) == ["!overflow@sensors", "malformed/!overflow@sensors"])
        #expect(overflow.allSatisfy { $0.channel.messageEncoding == RecordingLayout.multipartEncoding })
        #expect(UInt64(overflow.count) == recorder.framesOverflowed)
        // The first 4096 channels went to the first frames (some sources' malformed frames among them).
        #expect(recorder.framesOverflowed == UInt64(frames.count - 4096))
        #expect(frameMessages.count == frames.count)
        // Each malformed frame, overflow or not, still has its reason just before it.
        let flags = messages.filter { $0.channel.topic == RecordingLayout.flagsTopic }
        #expect(flags.count == frames.filter { $0.parts.count != 2 || $0.parts[1] == Array("{nope".utf8) }.count)
    }

    @Test("70,000 topics with a cap above what MCAP holds: the recorder stops short of 65535 channels instead of trapping")
    func capAboveMCAPLimit() throws {
        let options = RecordingOptions(maximumFrameChannels: 1_000_000)
        let limit = RecordingLayout.frameChannelLimit(options: options, endpointCount: 2)
        #expect(limit < Int(UInt16.max) && limit > 50_000)
        let frames = (0..<70_000).map { n in
            (endpoint: 0, parts: [Array("json/s\(n)".utf8), Array(#"{"type":"detection","t_ns":1,"sensor_id":"s","scan_id":1,"azimuth_deg":1}"#.utf8)])
        }
        let (recorder, messages) = try Self.recordAndCheck(frames, options: options, name: "seventy.mcap")
        #expect(recorder.framesOverflowed == UInt64(70_000 - limit))
        #expect(Set(messages.map(\.channel.id)).count == limit + 1)
    }

    @Test("Truth and track channels are capped too: later drones and tracks share one overflow channel each; sites stop growing")
    func sideChannelCaps() throws {
        let path = Self.temporaryPath("side.mcap")
        let recorder = try SessionRecorder(path: path, run: Self.run("side"), endpointNames: ["sensors"],
                                           options: RecordingOptions(maximumTruthChannels: 3, maximumTrackChannels: 2, maximumSites: 2))
        recorder.recordSites([SensorDescription(sensorID: "configured", kind: "radar", position: Self.origin)], at: Self.t0)
        for n in 0..<5 {
            recorder.record(.truth(TruthFix(time: Self.t0, droneID: "d\(n)", position: Self.origin, clock: .message,
                                            heightReference: .ellipsoid)))
            recorder.record(track: n, time: Self.t0, enu: ENUVector(1, 2, 3), velocity: ENUVector(0, 0, 0), horizontalVariance: 1, verticalVariance: 1,
                            line: #"{"type":"track","track_id":\#(n)}"#)
            recorder.record(.sensor(SensorDescription(sensorID: "s\(n)", kind: "rf", position: Self.origin)))
        }
        recorder.record(.truth(TruthFix(time: Self.t0, droneID: "d1", position: Self.origin, clock: .message, heightReference: .ellipsoid)))
        try recorder.finish(end: [:])
        #expect(recorder.fixesOverflowed == 2 + 3)   // drones d3, d4; tracks 2, 3, 4
        #expect(recorder.sitesLeftOut == 4)           // one site was configured, s0 joined it, s1…s4 did not
        let messages = try MCAPReader([UInt8](try #require(FileManager.default.contents(atPath: path)))).readAllMessages()
        let counts = Dictionary(grouping: messages, by: \.channel.topic).mapValues(\.count)
        #expect(counts["/truth/d0"] == 1 && counts["/truth/d1"] == 2 && counts["/truth/d2"] == 1 && counts["/truth/d3"] == nil)
        #expect(counts[RecordingLayout.truthOverflowTopic] == 2)
        #expect(counts["/tracks/0"] == 1 && counts["/tracks/1"] == 1 && counts["/tracks/2"] == nil)
        #expect(counts[RecordingLayout.trackOverflowTopic] == 3)
        #expect(counts[RecordingLayout.tracksTopic] == 5)
        let overflowFrames = messages.filter { $0.channel.topic == RecordingLayout.trackOverflowTopic }
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.data)) as? [String: Any] }.compactMap { $0["frame_id"] as? String }
        #expect(overflowFrames == ["track/2", "track/3", "track/4"])
        let lastSites = try #require(messages.last { $0.channel.topic == RecordingLayout.sitesTopic })
        let geojson = String(decoding: lastSites.data, as: UTF8.self)
        #expect(geojson.contains("configured") && geojson.contains("s0") && !geojson.contains("s1"))
    }

    @Test("A frame stored cut short keeps its size as it arrived in its flags, and the reader hands it back")
    func truncatedFrameSize() throws {
        let path = Self.temporaryPath("cut.mcap")
        let recorder = try SessionRecorder(path: path, run: Self.run("cut"), endpointNames: ["sensors"])
        let kept: [[UInt8]] = [Array("json/big".utf8), [UInt8](repeating: 0x20, count: 3000)]
        FrameProcessor.lend(kept) { parts in
            recorder.receive(RawFrame(receiveSequence: 0, receiveTime: Self.t0, endpointIndex: 0, sourceKey: "json/big", parts: parts,
                                      rejection: .oversizeFrame, isTruncated: true, payloadBytes: 64 << 20))
            recorder.receive(RawFrame(receiveSequence: 1, receiveTime: Self.t0, endpointIndex: 0, sourceKey: "json/big", parts: parts,
                                      rejection: nil, wasDecoded: false, isTruncated: true, payloadBytes: 70_000))
            recorder.receive(RawFrame(receiveSequence: 2, receiveTime: Self.t0, endpointIndex: 0, sourceKey: "json/big", parts: parts,
                                      rejection: .oversizeFrame))
        }
        try recorder.finish(end: [:])
        var read: [RecordedFrame] = []
        try RecordedSession(path: path).forEachFrame { read.append($0); return true }
        #expect(read.map(\.kind) == [.malformed, .shed, .malformed])
        #expect(read.map(\.payloadBytes) == [64 << 20, 70_000, nil])
        #expect(read.allSatisfy { $0.parts == kept })
        let messages = try MCAPReader([UInt8](try #require(FileManager.default.contents(atPath: path)))).readAllMessages()
        let flags = messages.filter { $0.channel.topic == RecordingLayout.flagsTopic }.map { String(decoding: $0.data, as: UTF8.self) }
        #expect(flags == [#"{"seq": 0, "endpoint": 0, "reason": "oversize_frame", "truncated": true, "bytes": 67108864}"#,
                          #"{"seq": 1, "endpoint": 0, "reason": null, "truncated": true, "bytes": 70000}"#,
                          #"{"seq": 2, "endpoint": 0, "reason": "oversize_frame", "truncated": false}"#])
    }

    @Test("A frame_flags size that is not a count is ignored, not trusted", arguments: [
        (#"{"seq": 0, "truncated": true, "bytes": 70000}"#, 70000),
        (#"{"seq": 0, "truncated": true, "bytes": -5}"#, nil),
        (#"{"seq": 0, "truncated": true, "bytes": 1.5}"#, nil),
        (#"{"seq": 0, "truncated": true, "bytes": 1e300}"#, nil),
        (#"{"seq": 0, "truncated": true, "bytes": "many"}"#, nil),
        (#"{"seq": 0, "truncated": false}"#, nil),
    ] as [(String, Int?)])
    func flaggedBytes(flags: String, expected: Int?) {
        #expect(RecordingLayout.flaggedPayloadBytes(Array(flags.utf8)) == expected)
    }

    @Test("Who sent each frame comes back: per endpoint and source, whatever the frame's kind, across sender changes")
    func senders() throws {
        let drone = FrameSender(connection: 1, endpointIndex: 1, endpointName: "drones", mechanism: .null, address: "10.0.0.5")
        let intruder = FrameSender(connection: 2, endpointIndex: 1, endpointName: "drones", mechanism: .curve, address: "10.0.0.9",
                                   publicKey: String(repeating: "k", count: 40), clientName: "gcs")
        let topic = Array("mavlink/drone-7".utf8)
        // Good and malformed frames of one source (two channels), from two senders in turn, then one with no sender.
        let plan: [(sender: FrameSender?, payload: [UInt8])] = [
            (drone, [0xFD, 1]), (intruder, [0xFD, 2]), (intruder, [0xFD, 3]), (drone, [0xFD, 4]), (nil, [0xFD, 5]),
        ]
        let path = Self.temporaryPath("senders.mcap")
        let recorder = try SessionRecorder(path: path, run: Self.run("senders"), endpointNames: ["sensors", "drones"])
        for (index, frame) in plan.enumerated() {
            FrameProcessor.lend([topic, frame.payload]) { parts in
                recorder.receive(RawFrame(receiveSequence: UInt64(index), receiveTime: Self.t0, endpointIndex: 1,
                                          sourceKey: "mavlink/drone-7", parts: parts, rejection: index == 2 ? .mavlinkBadFrame : nil,
                                          sender: frame.sender))
            }
        }
        try recorder.finish(end: [:])
        var read: [RecordedFrame] = []
        try RecordedSession(path: path).forEachFrame { read.append($0); return true }
        #expect(read.map(\.kind) == [.decoded, .decoded, .malformed, .decoded, .decoded])
        #expect(read.map { $0.sender?.connection } == [1, 2, 2, 1, nil])
        #expect(read[1].sender === read[2].sender && read[0].sender === read[3].sender)
        let back = try #require(read[1].sender)
        #expect(back.mechanism == .curve && back.address == "10.0.0.9" && back.publicKey == intruder.publicKey
                && back.clientName == "gcs" && back.endpointName == "drones" && back.endpointIndex == 1)
        #expect(read[0].sender?.identity == drone.identity && read[0].sender?.description == drone.description)
    }

    @Test("A recording is never overwritten")
    func neverOverwrites() throws {
        let path = Self.temporaryPath("run.mcap")
        let first = try SessionRecorder(path: path, run: Self.run("a"), endpointNames: ["sensors"])
        try first.finish(end: [:])
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(throws: RecordingError.self) { try SessionRecorder(path: path, run: Self.run("b"), endpointNames: ["sensors"]) }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == size)
        #expect(try RecordedSession(path: path).provenance.runID == "a")
    }

    @Test("Before it is finalised, a recording reads up to its last closed chunk, and recovers to a valid file")
    func readableWhileOpen() throws {
        let path = Self.temporaryPath("open.mcap")
        let recorder = try SessionRecorder(path: path, run: Self.run("open"), endpointNames: ["sensors", "drones"],
                                           options: RecordingOptions(chunkDuration: .zero))
        Self.feed(recorder, Array(Self.frames.prefix(3)))
        recorder.idle()   // the chunk is older than 0 s: it closes
        recorder.waitForClosedChunks()   // and is written (on the writer's thread)
        #expect(recorder.framesRecorded == 3)
        Self.feed(recorder, Array(Self.frames.suffix(3)), from: 3)   // these stay in the open chunk
        let open = try RecordedSession(path: path)
        #expect(!open.isFinalised)
        var read: [[[UInt8]]] = []
        try open.forEachFrame { read.append($0.parts); return true }
        #expect(read == Self.frames.prefix(3).map(\.parts))

        let bytes = try #require(FileManager.default.contents(atPath: path))
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: [UInt8](bytes), into: output)
        #expect(!report.wasFinalised)
        let recovered = try MCAPReader(output.bytes).readAllMessages()
        #expect(recovered.filter { !$0.channel.topic.hasPrefix("haechi/") && !$0.channel.topic.hasPrefix("/") }.count == 3)
        try recorder.finish(end: [:])
    }

    @Test("Truth, tracks and sites become Foxglove LocationFix and GeoJSON messages")
    func mapChannels() throws {
        let path = Self.temporaryPath("map.mcap")
        let recorder = try SessionRecorder(path: path, run: Self.run("map"), endpointNames: ["sensors"])
        let fix = TruthFix(time: Self.t0, droneID: "d1", position: GeodeticPosition(latitude: 35.86, longitude: 126.56, ellipsoidalHeight: 120),
                           clock: .message, heightReference: .ellipsoid)
        recorder.record(.truth(fix))
        recorder.record(track: 4, time: Self.t0, enu: ENUVector(100, 200, 50), velocity: ENUVector(3, 4, 0), horizontalVariance: 25, verticalVariance: 9,
                        line: #"{"type":"track","track_id":4}"#)
        recorder.recordSites([SensorDescription(sensorID: "radar-0", kind: "radar", position: Self.origin)], at: Self.t0)
        try recorder.finish(end: [:])
        let messages = try MCAPReader([UInt8](try #require(FileManager.default.contents(atPath: path)))).readAllMessages()
        func object(_ topic: String) throws -> [String: Any] {
            let message = try #require(messages.first { $0.channel.topic == topic })
            return try #require(try JSONSerialization.jsonObject(with: Data(message.data)) as? [String: Any])
        }
        let truth = try object("/truth/d1")
        #expect(abs((truth["latitude"] as? Double ?? 0) - 35.86) < 1e-9 && truth["altitude"] as? Double == 120)
        let track = try object("/tracks/4")
        #expect(track["position_covariance_type"] as? Int == 2)
        #expect((track["latitude"] as? Double).map { abs($0 - 35.85) < 0.01 } == true)
        #expect(try object(RecordingLayout.tracksTopic)["track_id"] as? Int == 4)
        let geojson = try #require(try object(RecordingLayout.sitesTopic)["geojson"] as? String)
        #expect(geojson.contains("radar-0") && geojson.contains("FeatureCollection"))
        #expect(messages.first { $0.channel.topic == "/truth/d1" }?.schema?.name == "foxglove.LocationFix")
    }

    @Test("The multipart encoding round-trips, and a cut one is refused")
    func multipart() {
        let parts: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 7, count: 300)]
        var encoded: [UInt8] = []
        FrameProcessor.lend(parts) { RecordingLayout.encodeMultipart($0, into: &encoded) }
        #expect(RecordingLayout.decodeMultipart(encoded) == parts)
        #expect(RecordingLayout.decodeMultipart(Array(encoded.dropLast())) == nil)
    }
}
