// Sends every tracker step's confirmed tracks as CoT events, over UDP and/or TCP, never blocking the
// thread that calls it.
import Geodesy
public import TelemetryModel
public import Tracking
public import TestbedConfiguration
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The CoT output of `haechi ingest` (config `outputs.cot`).
///
/// UDP: one datagram per event, to a unicast or multicast address. TCP: a client connection to a TAK
/// server or C2 system, made again (at most every 2 s) when it drops; events are written whole or
/// not at all. Both are non-blocking: a full buffer or a missing peer drops the event and counts it,
/// because the live run's output thread (and, behind it, the decode thread) must never wait on a C2
/// system.
public final class CotOutput: @unchecked Sendable {
    // @unchecked Sendable: used by one thread alone after `init` (the live run's output thread); `counters` is read under `lock`.
    private let settings: CotSettings
    private let plane: LocalTangentPlane
    private let udp: DatagramSender?
    private let tcp: StreamSender?
    private let lock = NSLock()
    private var state = CotCounters()

    /// Opens the UDP socket and starts the TCP connection.
    public init(settings: CotSettings, origin: GeodeticPosition) throws(RuntimeError) {
        self.settings = settings
        plane = LocalTangentPlane(origin: origin)
        udp = try settings.udp.map { (text) throws(RuntimeError) in
            try DatagramSender(text, field: "outputs.cot.udp", multicastTTL: settings.multicastTTL)
        }
        tcp = try settings.tcp.map { (text) throws(RuntimeError) in try StreamSender(text, field: "outputs.cot.tcp") }
    }

    /// What was sent so far (any thread).
    public var counters: CotCounters {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    private func count(_ change: (inout CotCounters) -> Void) {
        lock.lock()
        change(&state)
        lock.unlock()
    }

    /// Sends one event per confirmed track of `step` (the output thread).
    public func send(_ step: TrackerStep) {
        for track in step.tracks {
            let event = CotEvent(track: track, plane: plane, settings: settings)
            let xml = settings.format == .xml ? Array(event.xml.utf8) : []   // built once for both transports
            if let udp {
                let sent = udp.send(settings.format == .xml ? xml : event.meshDatagram)
                count { sent ? ($0.udpSent += 1) : ($0.udpDropped += 1) }
            }
            if let tcp {
                let sent = tcp.send(settings.format == .xml ? xml : event.streamBytes)
                let connections = tcp.connections
                count {
                    if sent { $0.tcpSent += 1 } else { $0.tcpDropped += 1 }
                    $0.tcpConnections = connections
                }
            }
        }
    }
}
