// Binds each drone's truth to its first sender and keeps out fixes no aircraft could have flown to.
public import TelemetryModel
import Geodesy

/// The checks every truth fix passes before it becomes a drone's truth (docs/wire-formats.md,
/// "Truth integrity"). Everything a certified figure says is measured against the truth, so a fix
/// that fails is never merged silently: it is kept out of the truth, counted and named per drone.
///
/// 1. **One sender per drone.** A drone's truth is bound to the first sender of a fix for it: the
///    topic, the connection (or CURVE key: ``FrameSender/identity``) and, for MAVLink, the system id.
///    A fix for the same drone from any other sender is kept out (``Verdict/otherSender``). One
///    exception, for plaintext reconnects: a new connection from the same address on the same
///    endpoint, same topic and system, takes the binding over once the bound connection has been
///    silent for ``TruthIntegritySettings/handoverSeconds`` (counted as a handover).
/// 2. **A physical bound.** With `d` the distance (ECEF, metres) from the drone's last accepted fix,
///    `Δt` the time between them and `σ` each fix's stated horizontal accuracy (0 when not given),
///    the fix is a jump, and kept out, when
///    `d > v_max·|Δt| + s₀ + 3(σ₁ + σ₂)` (``TruthIntegritySettings/maximumSpeed``, ``TruthIntegritySettings/positionSlack``).
///    Should ``TruthIntegritySettings/reanchorFixes`` successive fixes of the bound sender agree with
///    one another but not with that last fix, the last of them is accepted and the truth goes on from
///    it (a re-anchor: the odd one out was the earlier fix).
/// 3. **Restarts** of the sender's sequence mid-stream (the caller says when) are flagged, not excluded.
///
/// Memory is bounded: at most ``TruthIntegritySettings/maximumDrones`` drones (fixes of further
/// drones are kept out and counted), and per drone at most 64 other senders remembered.
public struct TruthIntegrityCheck {
    /// What became of a fix.
    public enum Verdict: Hashable, Sendable {
        /// It is the drone's truth.
        case accepted
        /// Another sender than the one the drone's truth is bound to sent it.
        case otherSender
        /// No aircraft could have flown to it from the drone's last accepted fix.
        case jump
        /// Too many drones are tracked already.
        case beyondDroneLimit
        /// Its sender could not be numbered (too many connections in the run).
        case unattributed
    }

    /// Who a fix is from, as binding compares it.
    private struct SenderKey: Hashable {
        var topic: String
        var identity: String?
        var system: UInt8?
    }

    private struct Point {
        var time: Timestamp
        var ecef: SIMD3<Double>
        var accuracy: Double
    }

    private struct DroneState {
        var bound: SenderKey
        var boundSender: FrameSender?
        var boundLastReceive: Timestamp
        var anchor: Point
        var candidate: Point?
        var candidateCount = 0
        var others: Set<SenderKey> = []
        var statistics = DroneTruthStatistics()
    }

    /// Other senders remembered per drone (to count distinct ones); more are still kept out.
    static let rememberedSenders = 64

    /// The limits in force.
    public let settings: TruthIntegritySettings
    private var drones: [String: DroneState] = [:]
    private var fixesBeyondDroneLimit: UInt64 = 0
    private var unattributedFixes: UInt64 = 0

    /// A check with no drone bound yet.
    public init(settings: TruthIntegritySettings = TruthIntegritySettings()) {
        self.settings = settings
    }

    /// The findings so far.
    public var statistics: TruthIntegrityStatistics {
        var out = TruthIntegrityStatistics(settings: settings)
        out.drones = drones.mapValues(\.statistics)
        out.fixesBeyondDroneLimit = fixesBeyondDroneLimit
        out.unattributedFixes = unattributedFixes
        return out
    }

    /// Checks one fix.
    ///
    /// - Parameters:
    ///   - fix: the fix, as decoded.
    ///   - topic: the topic it came on.
    ///   - sender: who sent it (`nil` when not known: `inproc://`, a recording made before senders were kept).
    ///   - receivedAt: when its frame arrived.
    ///   - restarted: whether the sender's sequence restarted with this fix's record.
    /// - Returns: whether it is truth; anything but ``Verdict/accepted`` is kept out.
    /// - Complexity: O(1) expected: one dictionary lookup and one geodetic conversion.
    public mutating func check(_ fix: TruthFix, topic: String, sender: FrameSender?, receivedAt: Timestamp,
                               restarted: Bool = false) -> Verdict {
        if let sender, sender.isUnattributed {
            unattributedFixes &+= 1
            if drones[fix.droneID] != nil { drones[fix.droneID]!.statistics.otherSenderFixes &+= 1 }
            return .unattributed
        }
        let key = SenderKey(topic: topic, identity: sender?.identity, system: fix.systemID)
        let point = Point(time: fix.time, ecef: WGS84.ecef(fix.position), accuracy: fix.horizontalAccuracy ?? 0)
        guard var state = drones[fix.droneID] else {
            guard drones.count < settings.maximumDrones else {
                fixesBeyondDroneLimit &+= 1
                return .beyondDroneLimit
            }
            var state = DroneState(bound: key, boundSender: sender, boundLastReceive: receivedAt, anchor: point)
            state.statistics.boundSender = Self.describe(key, sender)
            state.statistics.fixesAccepted = 1
            drones[fix.droneID] = state
            return .accepted
        }
        let verdict = check(point, key: key, sender: sender, receivedAt: receivedAt, restarted: restarted, state: &state)
        drones[fix.droneID] = state
        return verdict
    }

    private func check(_ point: Point, key: SenderKey, sender: FrameSender?, receivedAt: Timestamp, restarted: Bool,
                       state: inout DroneState) -> Verdict {
        func flag() {
            if state.statistics.firstFlagReceiveTime == nil { state.statistics.firstFlagReceiveTime = receivedAt }
        }
        if key != state.bound {
            guard handsOver(state, to: key, sender: sender, at: receivedAt) else {
                state.statistics.otherSenderFixes &+= 1
                if state.others.count < Self.rememberedSenders, state.others.insert(key).inserted {
                    state.statistics.otherSenders += 1
                    if state.statistics.otherSenderNames.count < DroneTruthStatistics.namedSenderLimit {
                        state.statistics.otherSenderNames.append(Self.describe(key, sender))
                    }
                }
                flag()
                return .otherSender
            }
            state.bound = key
            state.boundSender = sender
            state.statistics.boundSender = Self.describe(key, sender)
            state.statistics.handovers &+= 1
            flag()
        }
        state.boundLastReceive = receivedAt
        if restarted {
            state.statistics.restarts &+= 1
            flag()
        }
        guard let jump = jump(from: state.anchor, to: point) else {
            state.anchor = point
            state.candidate = nil
            state.candidateCount = 0
            state.statistics.fixesAccepted &+= 1
            return .accepted
        }
        // Fixes that agree with one another but not with the anchor: after enough of them, the anchor was the odd one.
        if let candidate = state.candidate, self.jump(from: candidate, to: point) == nil {
            state.candidateCount += 1
        } else {
            state.candidateCount = 1
        }
        state.candidate = point
        if state.candidateCount >= TruthIntegritySettings.reanchorFixes {
            state.anchor = point
            state.candidate = nil
            state.candidateCount = 0
            state.statistics.reanchors &+= 1
            state.statistics.fixesAccepted &+= 1
            flag()
            return .accepted
        }
        state.statistics.jumps &+= 1
        if jump.metres > (state.statistics.largestJumpMetres ?? 0) {
            state.statistics.largestJumpMetres = jump.metres
            state.statistics.largestJumpSpeed = jump.speed
        }
        flag()
        return .jump
    }

    /// Whether a plaintext reconnection takes the binding over: same topic, system, endpoint and
    /// address, and the bound connection silent for at least the handover time.
    private func handsOver(_ state: DroneState, to key: SenderKey, sender: FrameSender?, at time: Timestamp) -> Bool {
        guard let sender, let bound = state.boundSender, sender.mechanism == .null, bound.mechanism == .null,
              key.topic == state.bound.topic, key.system == state.bound.system,
              sender.endpointIndex == bound.endpointIndex, sender.address == bound.address else { return false }
        return time.seconds(since: state.boundLastReceive) >= settings.handoverSeconds
    }

    /// The distance and implied speed from `a` to `b` when that is more than any aircraft could fly; `nil` otherwise.
    private func jump(from a: Point, to b: Point) -> (metres: Double, speed: Double)? {
        let d = b.ecef - a.ecef
        let metres = (d * d).sum().squareRoot()
        let seconds = abs(b.time.seconds(since: a.time))
        let allowance = settings.maximumSpeed * seconds + settings.positionSlack
            + TruthIntegritySettings.accuracyFactor * (a.accuracy + b.accuracy)
        guard metres > allowance else { return nil }
        return (metres, seconds > 0 ? metres / seconds : .infinity)
    }

    private static func describe(_ key: SenderKey, _ sender: FrameSender?) -> String {
        let who = sender?.description ?? "an unidentified sender"
        return "\(who), topic \(key.topic)" + (key.system.map { ", system \($0)" } ?? "")
    }
}
