// Sends every tracker step's confirmed tracks as ASTERIX CAT062 system tracks over UDP, for
// air-defence and airport C2 systems.
import Asterix
public import TelemetryModel
public import Tracking
import Geodesy
import TrackingMath
import Foundation
public import TestbedConfiguration

/// The CAT062 output of `haechi ingest`: per tracker step, one datagram holding a data block with a
/// record per confirmed track (as many blocks as the 65,535-octet block length needs).
public final class Asterix062Output: @unchecked Sendable {
    // @unchecked Sendable: `send` runs on one thread alone (the live run's output thread); `counters` is read under `lock`.
    private let settings: Asterix062Settings
    private let plane: LocalTangentPlane
    private let sender: DatagramSender
    private let lock = NSLock()
    private var state = Asterix062Counters()

    public init(settings: Asterix062Settings, origin: GeodeticPosition) throws(RuntimeError) {
        self.settings = settings
        plane = LocalTangentPlane(origin: origin)
        sender = try DatagramSender(settings.udp, field: "outputs.asterix062.udp", multicastTTL: settings.multicastTTL)
    }

    public var counters: Asterix062Counters {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    /// The records of `step`'s tracks.
    func records(_ step: TrackerStep) -> [[UInt8]] {
        step.tracks.map { track in
            let p = track.state.position, v = track.state.velocity
            let position = plane.geodetic(p)
            let seconds = Double(track.time.nanosecondsSinceEpoch % 86_400_000_000_000) / 1e9
            // Height from a 3D radar's elevation, or the passive initiator's prior when no sensor
            // measures it: I062/080 SRC 2 or 6. The tracker does not say which, so a track whose height
            // spread is that of the prior (over 50 m, 1 σ) is taken as the default height.
            let heightKnown = track.state.covariance[2, 2] < 2500
            return AsterixWriter.systemTrack(
                source: settings.source, serviceID: settings.serviceID, timeOfDay: seconds,
                trackNumber: UInt16(truncatingIfNeeded: track.trackID), latitudeDeg: position.latitude,
                longitudeDeg: position.longitude, xM: p.x, yM: p.y, vxMs: v.x, vyMs: v.y,
                geometricAltitudeFt: position.ellipsoidalHeight / 0.3048, climbFtPerMin: v.z / 0.3048 * 60,
                monosensor: false, altitudeSource: heightKnown ? 2 : 6)
        }
    }

    /// Sends `step`'s tracks (the output thread). A step without tracks sends nothing.
    public func send(_ step: TrackerStep) {
        guard !step.tracks.isEmpty else { return }
        let records = records(step)
        // One block per datagram: AsterixWriter.blocks splits at the block length's limit.
        let bytes = AsterixWriter.blocks(category: 62, records: records)
        var at = 0, dropped = false
        while at < bytes.count {
            let length = Int(bytes[at + 1]) << 8 | Int(bytes[at + 2])
            let sent = sender.send(Array(bytes[at..<(at + length)]))
            dropped = dropped || !sent
            lock.lock()
            if sent { state.blocksSent += 1 } else { state.blocksDropped += 1 }
            lock.unlock()
            at += length
        }
        // Tracks are counted as sent only when every block of the step went (blocks split past
        // some 1,600 tracks).
        if !dropped {
            lock.lock()
            state.tracksSent += UInt64(records.count)
            lock.unlock()
        }
    }
}
