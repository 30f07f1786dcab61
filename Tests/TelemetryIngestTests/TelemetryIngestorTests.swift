// The ingest thread end to end over inproc://: several endpoints, fairness, counting, clean stop.
import Testing
import TelemetryIngest
import ZeroMQIngest
import TransportSettings
import TelemetryModel
import ZeroMQ
import Logging
import Foundation

@Suite("Ingest thread over inproc")
struct TelemetryIngestorTests {
    /// Waits until `condition` holds on the ingestor's published counters, or times out.
    func waitFor(_ ingestor: TelemetryIngestor, timeout: Double = 10, _ condition: (IngestStatistics) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(ingestor.snapshot()) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    @Test("Frames from a PULL and a SUB endpoint are all counted, and the sinks see every one")
    func twoEndpoints() throws {
        let context = try ZMQContext()
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "sensors", address: "inproc://ingest-sensors", socket: .pull, mode: .bind),
            IngestEndpoint(name: "drones", address: "inproc://ingest-drones", socket: .sub, mode: .bind, topics: ["mavlink/"]),
        ], maximumFrameBytes: 4096, siteGeoidSeparation: 23)
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        let sink = CapturingSink()
        try ingestor.start(rawSinks: [sink], recordSinks: [sink])

        let push = try ZMQSocket(context: context, type: .push)
        try push.connect("inproc://ingest-sensors")
        let pub = try ZMQSocket(context: context, type: .pub)
        try pub.connect("inproc://ingest-drones")
        // A SUB's subscription reaches the PUB asynchronously; until a probe gets through, nothing counts.
        var seq: UInt8 = 0
        #expect(waitFor(ingestor) { _ in
            _ = try? pub.send(topic: "mavlink/probe", payload: heartbeat(sequence: seq))
            seq &+= 1
            return ingestor.snapshot().sources["mavlink/probe"] != nil
        })
        let scan = bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":0,"seq":0}"#)
        for _ in 0..<500 { try push.send(topic: "json/radar-0", payload: scan) }
        try push.send(topic: "json/radar-0", payload: bytes("{oops"))
        try push.send([bytes("json/radar-1")])
        for i in 0..<100 { try pub.send(topic: "mavlink/drone-1", payload: heartbeat(sequence: UInt8(i))) }
        try pub.send(topic: "json/not-subscribed", payload: scan)

        #expect(waitFor(ingestor) { s in
            s.sources["json/radar-0"]?.framesReceived == 501 && s.sources["mavlink/drone-1"]?.framesReceived == 100
                && s.sources["json/radar-1"]?.framesReceived == 1
        })
        let final = ingestor.stop()
        #expect(final.sources["json/radar-0"]?.records == [.scan: 500])
        #expect(final.sources["json/radar-0"]?.malformed == [.malformedJSON: 1])
        #expect(final.sources["json/radar-0"]?.sequence.restarts == 499)   // every later seq 0 starts the count again
        #expect(final.sources["json/radar-1"]?.malformed == [.badEnvelope: 1])
        #expect(final.sources["mavlink/drone-1"]?.records == [.heartbeat: 100])
        #expect(final.sources["mavlink/drone-1"]?.sequence.gaps == 0)
        #expect(final.sources["json/not-subscribed"] == nil)
        #expect(UInt64(sink.frames.count) == final.receiveSequence)
        #expect(sink.frames.map(\.sequence) == Array(0..<final.receiveSequence))
        #expect(final.endpointFrames[0] == 502)
        #expect(ingestor.hasEnded)
    }

    @Test("A flood on one endpoint does not starve another: quiet frames are read within a few batches of being sent")
    func fairness() throws {
        let context = try ZMQContext()
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "flood", address: "inproc://flood", socket: .pull, mode: .bind, receiveHighWaterMark: 0),
            IngestEndpoint(name: "quiet", address: "inproc://quiet", socket: .pull, mode: .bind),
        ], fairnessBatch: 16)
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        let sink = CapturingSink()
        try ingestor.start(rawSinks: [sink])
        let flood = try ZMQSocket(context: context, type: .push)
        try flood.setOption(.sendHighWaterMark, 0)
        try flood.connect("inproc://flood")
        let quiet = try ZMQSocket(context: context, type: .push)
        try quiet.connect("inproc://quiet")
        let n = 20_000
        for i in 0..<n {
            try flood.send(topic: "json/flood", payload: bytes("{"))
            if i % 1000 == 0 { try quiet.send(topic: "json/quiet", payload: bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":\#(i)}"#)) }
        }
        #expect(waitFor(ingestor, timeout: 30) { s in
            s.sources["json/flood"]?.framesReceived == UInt64(n) && s.sources["json/quiet"]?.framesReceived == 20
        })
        let final = ingestor.stop()
        #expect(final.sources["json/quiet"]?.records == [.scan: 20])
        #expect(final.sources["json/flood"]?.malformed == [.malformedJSON: UInt64(n)])
        // Quiet frame k was sent right after flood frame 1000·k. A fair reader takes it before it has
        // read many more flood frames than that, however far behind the sender it is; a reader that
        // drained one socket dry first would read all 20 000 flood frames before the first quiet one.
        var floodSeen = 0
        var quietSeen = 0
        for frame in sink.frames {
            if frame.source == "json/flood" {
                floodSeen += 1
            } else {
                #expect(floodSeen <= 1000 * quietSeen + 1 + 4 * settings.fairnessBatch,
                        "quiet frame \(quietSeen) read after \(floodSeen) flood frames")
                quietSeen += 1
            }
        }
        #expect(quietSeen == 20)
    }

    @Test("A bind that fails is reported at start, naming the endpoint")
    func setupFailure() throws {
        let context = try ZMQContext()
        let holder = try ZMQSocket(context: context, type: .pull)
        try holder.bind("inproc://taken-by-test")
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "clash", address: "inproc://taken-by-test", socket: .pull, mode: .bind),
        ])
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        #expect {
            try ingestor.start()
        } throws: { error in
            let e = error as? IngestError
            return e?.code == .endpointSetup && e?.message.contains("clash") == true && e?.message.contains("inproc://taken-by-test") == true
        }
        #expect(ingestor.stop().receiveSequence == 0)
    }

    @Test("Over TCP the ZAP handler numbers each connection, and every frame names the one that sent it")
    func sendersOverTCP() throws {
        let context = try ZMQContext()
        let address = "tcp://127.0.0.1:\(try #require(freeTCPPort()))"
        let settings = IngestSettings(endpoints: [IngestEndpoint(name: "drones", address: address, socket: .pull, mode: .bind)])
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        let sink = CapturingSink()
        try ingestor.start(rawSinks: [sink])
        let first = try ZMQSocket(context: context, type: .push)
        try first.connect(address)
        let second = try ZMQSocket(context: context, type: .push)
        try second.connect(address)
        for i in 0..<20 {
            try first.send(topic: "mavlink/drone-7", payload: heartbeat(sequence: UInt8(i)))
            try second.send(topic: "mavlink/drone-7", payload: heartbeat(sequence: UInt8(100 + i)))
        }
        #expect(waitFor(ingestor) { $0.sources["mavlink/drone-7"]?.framesReceived == 40 })
        ingestor.stop()
        #expect(ingestor.senders.count == 2)
        let senders = sink.senders.compactMap { $0 }
        #expect(senders.count == 40)
        #expect(Set(senders.map(\.connection)) == [1, 2])
        #expect(senders.allSatisfy { $0.address == "127.0.0.1" && $0.endpointName == "drones" && $0.mechanism == .null })
        // Each connection's frames keep their own counter: the two interleaved streams are not loss.
        let byConnection = Dictionary(grouping: zip(sink.senders, sink.frames), by: { $0.0?.connection ?? 0 })
        for (_, frames) in byConnection {
            let sequences = frames.map { $0.1.parts[1][4] }
            #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
        }
    }

    @Test("A CURVE endpoint admits listed keys for their own sources only, and refuses plaintext peers and other keys, counting each")
    func curveEndpoint() throws {
        let context = try ZMQContext()
        let address = "tcp://127.0.0.1:\(try #require(freeTCPPort()))"
        let server = try ZMQCurveKeyPair.generate(), gcs = try ZMQCurveKeyPair.generate(), stranger = try ZMQCurveKeyPair.generate()
        let curve = CurveSettings(serverKeyFile: "server.key", serverSecretKey: server.secretKey, clients: [
            CurveClient(name: "gcs-7", publicKey: gcs.publicKey, topics: ["mavlink/drone-7", "json/gcs-*"], mavlinkSystems: [7]),
        ])
        let settings = IngestSettings(endpoints: [IngestEndpoint(name: "drones", address: address, socket: .pull, mode: .bind, curve: curve)])
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        let sink = CapturingSink()
        try ingestor.start(rawSinks: [sink])

        let plaintext = try ZMQSocket(context: context, type: .push)
        try plaintext.setOption(.linger, 0)
        try plaintext.connect(address)
        _ = try plaintext.send(topic: "mavlink/drone-7", payload: heartbeat(sequence: 0), blocking: false)
        let unlisted = try ZMQSocket(context: context, type: .push)
        try unlisted.setOption(.linger, 0)
        try unlisted.makeCurveClient(serverKey: server.publicKey, keys: stranger)
        try unlisted.connect(address)
        _ = try unlisted.send(topic: "mavlink/drone-7", payload: heartbeat(sequence: 0), blocking: false)
        let admitted = try ZMQSocket(context: context, type: .push)
        try admitted.makeCurveClient(serverKey: server.publicKey, keys: gcs)
        try admitted.connect(address)
        for i in 0..<5 { try admitted.send(topic: "mavlink/drone-7", payload: heartbeat(sequence: UInt8(i), system: 7)) }
        try admitted.send(topic: "mavlink/drone-7", payload: heartbeat(sequence: 5, system: 8))        // not its system
        try admitted.send(topic: "mavlink/drone-9", payload: heartbeat(sequence: 6, system: 7))        // not its topic
        try admitted.send(topic: "json/gcs-1", payload: bytes(#"{"type":"status","t_ns":1,"sensor_id":"gcs","lat":0,"lon":0,"alt":0}"#))
        #expect(waitFor(ingestor) { s in
            s.receiveSequence == 8 && s.endpointSecurity[0].refusedPlaintext >= 1 && s.endpointSecurity[0].refusedUnlistedKeys >= 1
        })
        let final = ingestor.stop()
        let security = final.endpointSecurity[0]
        #expect(security.mechanism == .curve && security.connectionsAdmitted == 1 && security.framesRefused == 2)
        #expect(final.sources["mavlink/drone-7"]?.records == [.heartbeat: 5])
        #expect(final.sources["mavlink/drone-7"]?.malformed == [.unauthorisedSource: 1])
        #expect(final.sources["mavlink/drone-9"]?.malformed == [.unauthorisedSource: 1])
        #expect(final.sources["json/gcs-1"]?.records == [.status: 1])
        // Only the admitted client's frames arrived, each naming its key.
        #expect(sink.senders.count == 8)
        #expect(sink.senders.allSatisfy { $0?.publicKey == gcs.publicKey && $0?.clientName == "gcs-7" && $0?.mechanism == .curve })
        #expect(sink.frames.filter { $0.rejection == .unauthorisedSource }.count == 2)
    }

    @Test("Stop returns promptly while idle")
    func stopWhileIdle() throws {
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "idle", address: "tcp://127.0.0.1:*", socket: .pull, mode: .bind),
        ])
        let ingestor = try TelemetryIngestor(settings: settings, logger: Logger(label: "test"))
        try ingestor.start()
        ingestor.stop()
        #expect(ingestor.hasEnded)
        #expect(ingestor.failure == nil)
    }

    /// A record sink that takes its time, like a tracker under load.
    final class SlowSink: TelemetryRecordSink {
        var count = 0
        func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
            count += 1
            if count % 64 == 0 { Thread.sleep(forTimeInterval: 0.001) }
        }
    }

    func overload(_ policy: TrackingOverloadPolicy, frames: Int) throws -> (IngestStatistics, CapturingSink) {
        let context = try ZMQContext()
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "in", address: "inproc://overload-\(policy.rawValue)", socket: .pull, mode: .bind, receiveHighWaterMark: 0),
        ], maximumFrameBytes: 1024, pipeline: PipelineSettings(ringSlots: 1024, arenaBytes: 1 << 20, trackingOverload: policy, shedLag: 0.5))
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        let raw = CapturingSink()
        try ingestor.start(rawSinks: [raw], recordSinks: [SlowSink()])
        let push = try ZMQSocket(context: context, type: .push)
        try push.setOption(.sendHighWaterMark, 0)
        try push.connect("inproc://overload-\(policy.rawValue)")
        for i in 0..<frames {
            try push.send(topic: "json/r", payload: bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":\#(i),"seq":\#(i)}"#))
        }
        #expect(waitFor(ingestor, timeout: 60) { $0.sources["json/r"]?.framesReceived == UInt64(frames) })
        return (ingestor.stop(), raw)
    }

    @Test("Lossless by default: a slow tracker makes ingest wait, and every frame is decoded and recorded")
    func blockPolicy() throws {
        let (stats, raw) = try overload(.block, frames: 20_000)
        let r = try #require(stats.sources["json/r"])
        #expect(r.records[.scan] == 20_000)
        #expect(r.framesShed == 0)
        #expect(r.sequence.gaps == 0)
        #expect(stats.pipeline.producerWaits > 0)          // the ring filled: backpressure, not loss
        #expect(raw.frames.count == 20_000)
        #expect(raw.frames.map(\.sequence) == Array(0..<20_000))
    }

    @Test("The shed policy counts what the tracker skipped; the recorder still gets every frame")
    func shedPolicy() throws {
        let (stats, raw) = try overload(.shed, frames: 20_000)
        let r = try #require(stats.sources["json/r"])
        #expect(r.framesShed > 0)
        #expect((r.records[.scan] ?? 0) + r.framesShed == 20_000)
        #expect(raw.frames.count == 20_000)
        #expect(raw.frames.filter { !$0.wasDecoded }.count == Int(r.framesShed))
    }

    @Test("A part longer than the arena keeps for it reaches the recorder cut short, flagged, and counted oversize")
    func truncatedFrame() throws {
        let context = try ZMQContext()
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "in", address: "inproc://truncate", socket: .pull, mode: .bind),
        ], maximumFrameBytes: 1024)
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        let raw = CapturingSink()
        try ingestor.start(rawSinks: [raw])
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect("inproc://truncate")
        try push.send(topic: "json/big", payload: [UInt8](repeating: 0x20, count: 10_000))
        try push.send(topic: "json/small", payload: bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":0}"#))
        #expect(waitFor(ingestor) { $0.receiveSequence == 2 })
        let stats = ingestor.stop()
        #expect(stats.sources["json/big"]?.malformed == [.oversizeFrame: 1])
        #expect(stats.sources["json/small"]?.records == [.scan: 1])
        #expect(raw.frames.map(\.truncated) == [true, false])
        #expect(raw.frames.first.map { $0.parts[1].count < 10_000 && $0.parts[1].count > 1024 } == true)
        #expect(raw.frames.map(\.rejection) == [.oversizeFrame, nil])
        // Counted as it arrived, not as much as the arena kept of it.
        #expect(stats.sources["json/big"]?.bytesReceived == 10_000)
        #expect(stats.sources["json/small"]?.bytesReceived == 50)
        #expect(raw.payloadBytes == [10_000, 50])
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    func freePort(_ context: ZMQContext) throws -> String {
        let probe = try ZMQSocket(context: context, type: .pull)
        try probe.bind("tcp://127.0.0.1:*")
        let endpoint = try probe.lastEndpoint
        return String(endpoint.split(separator: ":").last ?? "0")
    }

    @Test("Over TCP, libzmq refuses a part over ZMQ_MAXMSGSIZE (twice max_frame_bytes) and drops the sender; it is seen only as a disconnect")
    func messageSizeLimitBind() throws {
        let context = try ZMQContext()
        // The probe's port is released by libzmq's reaper thread, after the probe is gone, and another
        // process may take it meanwhile: try a few ports until the ingestor binds one.
        let raw = CapturingSink()
        var bound: (address: String, ingestor: TelemetryIngestor)?
        for _ in 0..<20 where bound == nil {
            let address = "tcp://127.0.0.1:\(try freePort(context))"
            let settings = IngestSettings(endpoints: [
                IngestEndpoint(name: "in", address: address, socket: .pull, mode: .bind),
            ], maximumFrameBytes: 1024)
            #expect(settings.messageSizeLimit(of: settings.endpoints[0]) == 2048)
            let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
            if (try? ingestor.start(rawSinks: [raw])) != nil {
                bound = (address, ingestor)
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let (address, ingestor) = try #require(bound)
        let push = try ZMQSocket(context: context, type: .push)
        try push.setOption(.linger, 0)
        try push.connect(address)
        // Within the limit but over max_frame_bytes: received whole and counted oversize.
        try push.send(topic: "json/big", payload: [UInt8](repeating: 0x20, count: 2000))
        #expect(waitFor(ingestor) { $0.receiveSequence == 1 })
        // Over the limit: never received; the connection drops, and the sender's PUSH connects again.
        try push.send(topic: "json/huge", payload: [UInt8](repeating: 0x20, count: 100_000))
        #expect(waitFor(ingestor) { $0.endpointLinks[0].disconnects == 1 && $0.endpointLinks[0].connections == 2 })
        try push.send(topic: "json/small", payload: bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":0}"#))
        #expect(waitFor(ingestor) { $0.receiveSequence == 2 })
        let stats = ingestor.stop()
        #expect(stats.sources.keys.sorted() == ["json/big", "json/small"])
        #expect(stats.sources["json/big"]?.malformed == [.oversizeFrame: 1])
        #expect(stats.sources["json/big"]?.bytesReceived == 2000)
        #expect(raw.frames.first.map { !$0.truncated && $0.parts[1].count == 2000 } == true)
        #expect(stats.endpointLinks[0].disconnects == 1 && stats.endpointLinks[0].reconnects == 0)
    }

    @Test("A connect endpoint that libzmq gives up after a refused part is connected again")
    func messageSizeLimitConnect() throws {
        let context = try ZMQContext()
        let push = try ZMQSocket(context: context, type: .push)
        try push.setOption(.linger, 0)
        try push.setOption(.sendTimeout, 30_000)   // a send with no peer waits for Haechi to connect (again)
        try push.bind("tcp://127.0.0.1:*")
        let address = try push.lastEndpoint
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "in", address: address, socket: .pull, mode: .connect, maximumMessageSize: 4096),
        ], maximumFrameBytes: 1024)
        #expect(settings.messageSizeLimit(of: settings.endpoints[0]) == 4096)
        let ingestor = try TelemetryIngestor(settings: settings, context: context, logger: Logger(label: "test"))
        try ingestor.start()
        try push.send(topic: "json/first", payload: bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":0}"#))
        #expect(waitFor(ingestor) { $0.receiveSequence == 1 })
        try push.send(topic: "json/huge", payload: [UInt8](repeating: 0x20, count: 100_000))
        #expect(waitFor(ingestor) { $0.endpointLinks[0].reconnects == 1 })
        #expect(try push.send(topic: "json/after", payload: bytes(#"{"type":"scan","t_ns":2,"sensor_id":0,"scan_id":1}"#)))
        #expect(waitFor(ingestor) { $0.receiveSequence == 2 })
        let stats = ingestor.stop()
        #expect(stats.sources.keys.sorted() == ["json/after", "json/first"])
        #expect(stats.endpointLinks[0].connections == 2 && stats.endpointLinks[0].disconnects == 1)
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on: the kernel's pick for a socket bound to port 0.
func freeTCPPort() -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
}

@Suite("CURVE keys in plain Swift")
struct CurveKeyCheckTests {
    @Test("CurveSettings.isZ85Key agrees with libzmq's zmq_z85_decode on keys, near-keys and noise")
    func agreesWithLibzmq() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
        var samples = ["", String(repeating: "0", count: 40), String(repeating: "#", count: 40), String(repeating: "%", count: 40),
                       String(repeating: "0", count: 39), String(repeating: "0", count: 41), String(repeating: "~", count: 40)]
        for _ in 0..<200 {
            let pair = try ZMQCurveKeyPair.generate()
            samples += [pair.publicKey, pair.secretKey]
            var chars = Array(pair.publicKey)
            chars[Int.random(in: 0..<40, using: &generator)] = ["\"", "'", ",", ";", "~", "`", "\\", "|", "_"].randomElement(using: &generator)!
            samples.append(String(chars))
            samples.append(String((0..<40).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for sample in samples {
            #expect(CurveSettings.isZ85Key(sample) == ZMQCurveKeyPair.isKey(sample), "\(sample)")
        }
    }
}
