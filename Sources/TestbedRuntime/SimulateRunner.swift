// `haechi simulate`: run a scenario, publish it over ZeroMQ at a chosen speed, and/or write it to a file.
public import Simulation
import TelemetryModel
import ZeroMQ
import Foundation
public import TestbedConfiguration

/// Runs `haechi simulate`.
public enum SimulateRunner {
    /// The scenario with the command line's overrides applied.
    public static func prepare(_ spec: ScenarioSpec, options: SimulateOptions) throws(RuntimeError) -> ScenarioSpec {
        var spec = spec
        if let seed = options.seed { spec.seed = seed }
        if let kinds = options.sensorKinds {
            spec.sensors = spec.sensors.filter { kinds.contains($0.kind) }
            if spec.sensors.isEmpty { throw RuntimeError(code: .config, message: "--sensor-kinds leaves no sensor in the scenario") }
        }
        if let text = options.epoch {
            guard let epoch = ScenarioConfiguration.parseUTC(text) else {
                throw RuntimeError(code: .config, message: "--epoch '\(text)' is not a UTC time such as 2025-06-01T00:00:00Z")
            }
            spec.epoch = epoch
        }
        if let duration = options.duration { spec.duration = min(spec.duration, duration) }
        return spec
    }

    /// Runs the simulation and returns its summary (also written to `summaryPath`).
    public static func run(spec: ScenarioSpec, scenarioPath: String, options: SimulateOptions) throws(RuntimeError) -> SimulateSummary {
        SignalTrap.install()
        var simulator = ScenarioSimulator(spec: spec)
        var wire = SimulationWireRenderer(spec: spec)
        var file = ScenarioFileRenderer(spec: spec)
        var publisher = options.publish.isEmpty ? nil : try Publisher(options: options)
        publisher?.onWaiting = { endpoint in
            FileHandle.standardError.write(Data(("haechi simulate: nobody is receiving on \(endpoint) (a PUSH socket waits for a receiver; "
                                                 + "start haechi ingest, or Ctrl-C to stop)\n").utf8))
        }
        let writer = try options.writePath.map { (path) throws(RuntimeError) in try LineWriter(path: path, noun: "scenario file") }

        let clock = ContinuousClock()
        let started = clock.now
        var messages: [WireMessage] = []
        var lines: [String] = []
        var stopped = false
        var sent: UInt64 = 0
        messages = wire.header()
        lines = file.header()
        while !stopped {
            if let publisher {
                if case .factor(let factor) = options.speed, let first = messages.first {
                    let due = Double(first.time.nanosecondsSinceEpoch - spec.epoch.nanosecondsSinceEpoch) / 1e9 / factor
                    let wait = started.advanced(by: .seconds(due)) - clock.now
                    if wait > .zero { Thread.sleep(forTimeInterval: wait.inSeconds) }
                }
                for message in messages where !stopped {
                    stopped = try publisher.send(message)
                    if !stopped { sent += 1 }
                }
            }
            try writer?.write(lines)
            if SignalTrap.stopSignal != nil { stopped = true }
            guard !stopped, let step = simulator.next() else { break }
            messages.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
            if publisher != nil { wire.render(step, into: &messages) }
            if writer != nil { file.render(step, paths: simulator.paths, into: &lines) }
        }
        try writer?.close()
        let elapsed = clock.now - started
        let unheard = sent > 0 ? publisher?.unheardEndpoints() ?? [] : []
        if stopped { publisher?.abandon() }
        publisher = nil   // closes the sockets; their linger flushes what is queued
        let seconds = elapsed.inSeconds
        let summary = SimulateSummary(scenario: scenarioPath, spec: spec, speed: options.speed, wallSeconds: seconds,
                                      tally: options.publish.isEmpty ? SimulationTally() : wire.tally, sent: sent,
                                      writtenLines: writer == nil ? 0 : file.lines, interrupted: stopped, unheard: unheard)
        if let path = options.summaryPath {
            do {
                try OutputFile.write(summary.jsonText(), to: path)
            } catch {
                throw RuntimeError(code: .io, file: path, message: "cannot write the summary: \(RuntimeError.reason(error))")
            }
        }
        return summary
    }

    /// The ZeroMQ side: one socket per endpoint, so every endpoint gets every message (one PUSH
    /// socket on several endpoints would deal them out in turn). A class, owned by this run alone:
    /// the sockets close, flushing within their linger, when the run lets go of it.
    private final class Publisher {
        let context: ZMQContext
        var sockets = ZMQSocketGroup()
        let subscribes: Bool
        /// Per socket: its endpoint, and whether a receiver has shown itself (a subscription heard, or
        /// a PUSH send accepted).
        private(set) var endpoints: [String] = []
        private(set) var heard: [Bool] = []
        private var sendsSinceCheck = 0
        /// Called once when a PUSH send has waited 2 s for a receiver.
        var onWaiting: ((String) -> Void)?
        private var warnedWaiting = false

        init(options: SimulateOptions) throws(RuntimeError) {
            subscribes = options.socket == .pub
            do {
                context = try ZMQContext()
                // PUB is always XPUB: it sends the same, and it hears each subscription, so a run that
                // published to nobody can say so (PUB drops what no subscriber asked for).
                let usesXPUB = options.socket == .pub
                for endpoint in options.publish {
                    let socket = try ZMQSocket(context: context, type: options.socket == .push ? .push : (usesXPUB ? .xpub : .pub))
                    try socket.setOption(.sendHighWaterMark, 1_000_000)
                    try socket.setOption(.linger, 30_000)
                    // A send waits at most this long, so a stop signal is noticed even when nobody receives.
                    try socket.setOption(.sendTimeout, 200)
                    // PUSH queues only to connected receivers: with none there, sending waits instead
                    // of counting messages as published that sit in a queue to nobody.
                    if options.socket == .push { try socket.setOption(.immediate, 1) }
                    if options.bind { try socket.bind(endpoint) } else { try socket.connect(endpoint) }
                    var subscribed = false
                    if usesXPUB, let wait = options.waitSubscribers {
                        // An XPUB socket hears each subscription: the first one means a subscriber is there.
                        _ = try socket.waitForInput(timeout: .milliseconds(Int(wait * 1000)))
                        subscribed = try socket.receiveParts(blocking: false) != nil
                    }
                    sockets.add(socket)
                    endpoints.append(endpoint)
                    heard.append(subscribed)
                }
            } catch {
                throw RuntimeError(code: .ingest, message: "cannot publish to \(options.publish.joined(separator: ", ")): \(error.message)")
            }
        }

        /// Sends one message to every endpoint; returns `true` if a stop signal came while waiting for a receiver.
        func send(_ message: WireMessage) throws(RuntimeError) -> Bool {
            let parts = [Array(message.topic.utf8), message.payload]
            do {
                sendsSinceCheck += 1
                let check = sendsSinceCheck >= 256
                if check { sendsSinceCheck = 0 }
                for index in 0..<sockets.count {
                    var waits = 0
                    let stopped = try sockets.withSocket(at: index) { (socket) throws(ZMQError) -> Bool in
                        while try !socket.send(parts) {
                            if SignalTrap.stopSignal != nil { return true }
                            waits += 1   // each failed send waited its 200 ms timeout
                            if waits == 10, !warnedWaiting {
                                warnedWaiting = true
                                onWaiting?(endpoints[index])
                            }
                        }
                        return false
                    }
                    if stopped { return true }
                    if !subscribes { heard[index] = true } else if check || !heard[index] { try listen(index) }
                }
                return false
            } catch {
                throw RuntimeError(code: .ingest, message: "publishing failed: \(error.message)")
            }
        }

        /// Reads the subscriptions an XPUB socket heard, without waiting.
        private func listen(_ index: Int) throws(ZMQError) {
            guard subscribes, !heard[index] else { return }
            let got = try sockets.withSocket(at: index) { (socket) throws(ZMQError) -> Bool in try socket.receiveParts(blocking: false) != nil }
            if got { heard[index] = true }
        }

        /// The endpoints no receiver showed itself on, checked once more now.
        func unheardEndpoints() -> [String] {
            for index in 0..<sockets.count { try? listen(index) }
            return zip(endpoints, heard).filter { !$0.1 }.map(\.0)
        }

        /// After an interruption: close without waiting to flush.
        func abandon() {
            for index in 0..<sockets.count {
                sockets.withSocket(at: index) { socket in try? socket.setOption(.linger, 0) }
            }
        }
    }
}
