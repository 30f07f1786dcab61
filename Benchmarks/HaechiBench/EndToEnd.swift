// Frame receipt to track publication: a paced sender, the live pipeline with its tracker and every output, an external receiver.
import ArgumentParser
import Foundation
import Histogram
import Logging
import Simulation
import TelemetryIngest
import TelemetryModel
import TestbedConfiguration
import TestbedRuntime
import Tracking
import TransportSettings
import ZeroMQ
import ZeroMQIngest
#if canImport(Glibc)
import Glibc
#endif

/// The figure an operator and a C2 system feel: from a sensor's frame arriving to the track it
/// changes leaving Haechi.
///
/// A scenario (a `Config/scenarios` file: radars' detections, streamed scans, drones' truth) is
/// rendered to wire frames once, then a sender thread paces them over a PUSH socket at `--rate`
/// frames/s into the live pipeline: receive → ring → decode → the live tracking stage, which publishes
/// `json/tracks` on a PUB socket and sends every step to Cursor-on-Target (UDP), ASTERIX CAT062 (UDP)
/// and SAPIENT (TCP), whose peers here only drain. A SUB socket on its own thread is the external
/// receiver. A track message's latency is the time from the receipt of the frame whose record closed
/// its scan (the receive thread's clock, `WallClock`) to its arrival at the receiver (the same clock).
/// Beside it: the step's latency from that receipt to the moment its `json/tracks` messages are sent
/// and it is queued for the other outputs, which `haechi ingest` sends from a thread of their own.
/// Message timestamps drive the tracker; pacing only compresses them in wall time.
struct EndToEnd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e", abstract: "Frame receipt to track publication (p50, p99, p99.9) at a paced rate, through every stage and output.")
    @Option var scenario: String = "Config/scenarios/dense.yaml"
    @Option var tracker: String = "Config/tracker.yaml"
    @Option var rate: Int = 10_000
    @Option var seconds: Double = 3
    @Option var timeout: Double = 120

    /// What the decode thread notes per published step; read after the pipeline stops.
    final class StepLog: @unchecked Sendable {
        // Invariant: written by the decode thread only, read by the main thread after `stop` joined it.
        var receivedAt: [Int64] = []
        var published: [Int] = []
        var finishedAt: [Int64] = []
    }

    /// A socket that only drains what it is sent (the outputs' peers), on its own thread.
    final class Drain: @unchecked Sendable {
        // Invariant: `descriptor` and `port` are set before the thread starts; `stopping` is atomic enough
        // as a flag read by the drain thread after each poll timeout.
        let descriptor: Int32
        let port: UInt16
        nonisolated(unsafe) var stopping = false
        let done = DispatchSemaphore(value: 0)

        init(tcp: Bool) throws {
            let descriptor = socket(AF_INET, tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
                }
            }
            guard descriptor >= 0, bound, !tcp || listen(descriptor, 4) == 0 else { throw ValidationError("cannot open a drain socket") }
            self.descriptor = descriptor
            port = UInt16(bigEndian: address.sin_port)
            let tcp = tcp
            Thread.detachNewThread { [self] in
                var peers: [pollfd] = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while !stopping {
                    guard poll(&peers, nfds_t(peers.count), 100) > 0 else { continue }
                    for k in peers.indices where peers[k].revents != 0 {
                        if tcp, k == 0 {
                            let client = accept(descriptor, nil, nil)
                            if client >= 0 { peers.append(pollfd(fd: client, events: Int16(POLLIN), revents: 0)) }
                        } else {
                            _ = read(peers[k].fd, &buffer, buffer.count)
                        }
                    }
                }
                for peer in peers { close(peer.fd) }
                done.signal()
            }
        }

        func stop() {
            stopping = true
            done.wait()
        }
    }

    func run() throws {
        let spec = try ScenarioConfiguration.load(path: scenario)
        let settings = try TrackerConfiguration.load(path: tracker)
        let frames = Int(Double(rate) * seconds)
        var renderer = SimulationWireRenderer(spec: spec)
        var simulator = ScenarioSimulator(spec: spec)
        var messages = renderer.header()
        while messages.count < frames, let step = simulator.next() { renderer.render(step, into: &messages) }
        guard messages.count >= frames else {
            throw ValidationError("\(scenario) gives \(messages.count) frames, fewer than \(frames)")
        }
        let wire = messages.prefix(frames).map { (Array($0.topic.utf8), $0.payload) }

        // Every output a range configures, each to a local peer that drains it.
        let cotPeer = try Drain(tcp: false), catPeer = try Drain(tcp: false), sapientPeer = try Drain(tcp: true)
        var cotSettings = CotSettings()
        cotSettings.enabled = true
        cotSettings.udp = "udp://127.0.0.1:\(cotPeer.port)"
        var catSettings = Asterix062Settings()
        catSettings.enabled = true
        catSettings.udp = "udp://127.0.0.1:\(catPeer.port)"
        var sapientSettings = SapientOutputSettings()
        sapientSettings.enabled = true
        sapientSettings.tcp = "tcp://127.0.0.1:\(sapientPeer.port)"
        let cot = try CotOutput(settings: cotSettings, origin: spec.origin)
        let cat062 = try Asterix062Output(settings: catSettings, origin: spec.origin)
        let sapient = try SapientOutput(settings: sapientSettings, origin: spec.origin)

        let outputs = OutputThread<TrackerStep>(name: "haechi-outputs") { step in
            sapient.send(step)
            cot.send(step)
            cat062.send(step)
        }
        let log = StepLog()
        log.receivedAt.reserveCapacity(1 << 20)
        log.published.reserveCapacity(1 << 20)
        log.finishedAt.reserveCapacity(1 << 20)
        let context = try ZMQContext()
        let stage = try LiveTrackingStage(
            settings: settings, origin: spec.origin, sensors: [], publish: "tcp://127.0.0.1:*", context: context,
            // As `haechi ingest` sends them: from their own thread, the decode thread only queueing each step.
            stepHook: { step in outputs.submit(step) },
            publicationProbe: { receivedAt, published in
                log.finishedAt.append(WallClock.now().nanosecondsSinceEpoch)
                log.receivedAt.append(receivedAt.nanosecondsSinceEpoch)
                log.published.append(published)
            })
        guard let tracks = stage.boundEndpoint else { throw ValidationError("the tracking stage did not bind") }

        // The external receiver: arrival times of json/tracks messages, in order.
        final class Arrivals: @unchecked Sendable {
            // Invariant: written by the receiver thread only, read after `done` is signalled.
            var times: [Int64] = []
            nonisolated(unsafe) var stopping = false
            let ready = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        }
        let arrivals = Arrivals()
        arrivals.times.reserveCapacity(1 << 22)
        Thread.detachNewThread {
            do {
                let socket = try ZMQSocket(context: context, type: .sub)
                try socket.setOption(.receiveHighWaterMark, 1_000_000)
                try socket.subscribe(LiveTrackingStage.topic)
                try socket.connect(tracks)
                arrivals.ready.signal()
                while true {
                    if try socket.waitForInput(timeout: .milliseconds(200)) {
                        while try socket.receive(blocking: false, { _ in arrivals.times.append(WallClock.now().nanosecondsSinceEpoch) }) != nil {}
                    } else if arrivals.stopping {
                        break
                    }
                }
            } catch {
                FileHandle.standardError.write(Data("receiver: \(error)\n".utf8))
            }
            arrivals.done.signal()
        }
        arrivals.ready.wait()
        Thread.sleep(forTimeInterval: 0.3)   // the subscription reaches the PUB socket before the first track

        let endpoint = "tcp://127.0.0.1:\(try Self.freePort())"
        let ingestSettings = IngestSettings(
            endpoints: [IngestEndpoint(name: "bench", address: endpoint, socket: .pull, mode: .bind, receiveHighWaterMark: 100_000)],
            maximumFrameBytes: 1 << 16, pipeline: PipelineSettings(decodeFrames: true))
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let ingestor = try TelemetryIngestor(settings: ingestSettings, logger: logger)
        try ingestor.start(recordSinks: [stage])

        // The paced sender, on its own thread: frame k leaves at start + k / rate.
        let sent = DispatchSemaphore(value: 0)
        let rate = rate
        Thread.detachNewThread {
            do {
                let senderContext = try ZMQContext()
                let socket = try ZMQSocket(context: senderContext, type: .push)
                try socket.setOption(.sendHighWaterMark, 1_000_000)
                try socket.connect(endpoint)
                Thread.sleep(forTimeInterval: 0.2)
                // It sleeps until the next frame is due and then sends every frame due: single frames at
                // 10 k/s, bursts of a few at 100 k/s (a timer wakes it about 50 µs late). It never spins,
                // so on a two-core machine it leaves the pipeline a core.
                let start = DispatchTime.now().uptimeNanoseconds
                let interval = 1e9 / Double(rate)
                func due(_ k: Int) -> UInt64 { start + UInt64(Double(k) * interval) }
                var k = 0
                while k < wire.count {
                    let now = DispatchTime.now().uptimeNanoseconds
                    while k < wire.count, due(k) <= now {
                        _ = try socket.send([wire[k].0, wire[k].1])
                        k += 1
                    }
                    if k < wire.count, due(k) > now {
                        var pause = timespec(tv_sec: 0, tv_nsec: Int(due(k) - now))
                        nanosleep(&pause, nil)
                    }
                }
                try socket.setOption(.linger, 5_000)
            } catch {
                FileHandle.standardError.write(Data("sender: \(error)\n".utf8))
            }
            sent.signal()
        }
        guard sent.wait(timeout: .now() + timeout) == .success else { throw ValidationError("the sender timed out") }
        // Until the decode stage has taken every frame.
        let deadline = Date().addingTimeInterval(timeout)
        while ingestor.snapshot().totals.framesReceived < UInt64(frames), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.5)
        let statistics = ingestor.stop()
        outputs.finish()
        arrivals.stopping = true
        arrivals.done.wait()
        for peer in [cotPeer, catPeer, sapientPeer] { peer.stop() }

        let counters = stage.counters
        let published = log.published.reduce(0, +)
        guard statistics.totals.framesReceived == UInt64(frames), statistics.totals.framesMalformed == 0 else {
            throw ValidationError("received \(statistics.totals.framesReceived) of \(frames) frames, \(statistics.totals.framesMalformed) malformed")
        }
        guard published > 0, counters.publishFailures == 0, arrivals.times.count == published else {
            throw ValidationError("published \(published) track messages (\(counters.publishFailures) refused); the receiver got \(arrivals.times.count)")
        }
        // The i-th message arrived belongs to the step whose cumulative count first passes i (PUB/SUB keeps order).
        var toReceiver = Self.histogram(), toStepEnd = Self.histogram()
        var message = 0
        for (k, count) in log.published.enumerated() {
            for _ in 0..<count {
                _ = toReceiver.record(UInt64(max(0, arrivals.times[message] - log.receivedAt[k])))
                message += 1
            }
            _ = toStepEnd.record(UInt64(max(0, log.finishedAt[k] - log.receivedAt[k])))
        }
        func us(_ h: Histogram<UInt64>, _ p: Double) -> Double { Double(h.valueAtPercentile(p)) / 1000 }
        printJSON(["bench": "swift_e2e", "rate": rate, "frames": frames, "scenario": scenario, "steps": log.published.count,
                   "track_messages": published, "confirmed_tracks_last": stage.confirmedTracks,
                   "p50_us": us(toReceiver, 50), "p99_us": us(toReceiver, 99), "p999_us": us(toReceiver, 99.9),
                   "max_us": Double(toReceiver.max) / 1000,
                   "step_p50_us": us(toStepEnd, 50), "step_p99_us": us(toStepEnd, 99), "step_p999_us": us(toStepEnd, 99.9),
                   "cot_sent": cot.counters.udpSent, "cat062_tracks_sent": cat062.counters.tracksSent,
                   "sapient_reports_sent": sapient.counters.detectionReports])
        blackHole(wire.count)
    }

    static func histogram() -> Histogram<UInt64> { Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three) }

    /// A TCP port free on the loopback now.
    static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard ok else { throw ValidationError("no free port") }
        return UInt16(bigEndian: address.sin_port)
    }
}
