// Truth that cannot be spoofed unseen: one sender per drone, a physical bound, restarts flagged; MAVLink loss from the time base.
import Testing
import TelemetryIngest
import TelemetryModel
import Foundation

/// A `GLOBAL_POSITION_INT` frame at `latitude`/`longitude` degrees, `bootMs` after boot.
func globalPosition(bootMs: UInt32, latitude: Double, longitude: Double, sequence: UInt8, system: UInt8 = 7) -> [UInt8] {
    var payload = [UInt8](repeating: 0, count: 28)
    withUnsafeBytes(of: bootMs.littleEndian) { payload.replaceSubrange(0..<4, with: $0) }
    withUnsafeBytes(of: Int32((latitude * 1e7).rounded()).littleEndian) { payload.replaceSubrange(4..<8, with: $0) }
    withUnsafeBytes(of: Int32((longitude * 1e7).rounded()).littleEndian) { payload.replaceSubrange(8..<12, with: $0) }
    withUnsafeBytes(of: Int32(50_000).littleEndian) { payload.replaceSubrange(12..<16, with: $0) }
    return mavlinkFrame(messageID: 33, payload: payload, sequence: sequence, system: system, crcExtra: 104)
}

@Suite("Truth integrity")
struct TruthIntegrityTests {
    static let t0 = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)
    /// About 1 m of latitude, in degrees.
    static let metre = 1.0 / 111_000

    static func at(_ seconds: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: t0.nanosecondsSinceEpoch + Int64((seconds * 1e9).rounded()))
    }

    static func fix(_ seconds: Double, north metres: Double, drone: String = "7", accuracy: Double? = nil, system: UInt8? = nil) -> TruthFix {
        var fix = TruthFix(time: at(seconds), droneID: drone, systemID: system,
                           position: GeodeticPosition(latitude: 35.85 + metres * metre, longitude: 126.55, ellipsoidalHeight: 60),
                           clock: .message, heightReference: .ellipsoid)
        fix.horizontalAccuracy = accuracy
        return fix
    }

    static func sender(_ connection: UInt32, address: String = "127.0.0.1", endpoint: Int = 0) -> FrameSender {
        FrameSender(connection: connection, endpointIndex: endpoint, endpointName: "drones", mechanism: .null, address: address)
    }

    @Test("A drone's truth is bound to its first sender; another sender's fixes are kept out, counted and named")
    func secondSender() throws {
        var check = TruthIntegrityCheck()
        let (first, second) = (Self.sender(1), Self.sender(2))
        var verdicts: [TruthIntegrityCheck.Verdict] = []
        for i in 0..<50 {
            let t = Double(i) * 0.1
            verdicts.append(check.check(Self.fix(t, north: Double(i)), topic: "json/truth", sender: first, receivedAt: Self.at(t)))
            // Even a plausible position is refused from the second sender: identity, not geometry, decides.
            verdicts.append(check.check(Self.fix(t + 0.05, north: Double(i) + 0.5), topic: "json/truth", sender: second,
                                        receivedAt: Self.at(t + 0.05)))
        }
        #expect(verdicts.filter { $0 == .accepted }.count == 50)
        #expect(verdicts.filter { $0 == .otherSender }.count == 50)
        let drone = try #require(check.statistics.drones["7"])
        #expect(drone.fixesAccepted == 50 && drone.otherSenderFixes == 50 && drone.otherSenders == 1)
        #expect(drone.boundSender == "connection 1 from 127.0.0.1 on 'drones', topic json/truth")
        #expect(drone.otherSenderNames == ["connection 2 from 127.0.0.1 on 'drones', topic json/truth"])
        #expect(drone.firstFlagReceiveTime == Self.at(0.05))
        #expect(check.statistics.flaggedDrones == ["7"])
    }

    @Test("The same connection on another topic, or with another MAVLink system id, is another sender")
    func senderIsTopicAndSystem() {
        var check = TruthIntegrityCheck()
        let one = Self.sender(1)
        #expect(check.check(Self.fix(0, north: 0, system: 7), topic: "mavlink/drone-7", sender: one, receivedAt: Self.at(0)) == .accepted)
        #expect(check.check(Self.fix(0.1, north: 1, system: 8), topic: "mavlink/drone-7", sender: one, receivedAt: Self.at(0.1)) == .otherSender)
        #expect(check.check(Self.fix(0.2, north: 2, system: 7), topic: "mavlink/other", sender: one, receivedAt: Self.at(0.2)) == .otherSender)
        #expect(check.check(Self.fix(0.3, north: 3, system: 7), topic: "mavlink/drone-7", sender: one, receivedAt: Self.at(0.3)) == .accepted)
    }

    @Test("A jump no aircraft can fly is kept out; what the speed, the slack and the stated accuracy allow is not")
    func physicalBound() throws {
        var check = TruthIntegrityCheck(settings: TruthIntegritySettings(maximumSpeed: 150, positionSlack: 50))
        let one = Self.sender(1)
        func verdict(_ t: Double, _ north: Double, accuracy: Double? = nil) -> TruthIntegrityCheck.Verdict {
            check.check(Self.fix(t, north: north, accuracy: accuracy), topic: "json/t", sender: one, receivedAt: Self.at(t))
        }
        #expect(verdict(0, 0) == .accepted)
        #expect(verdict(1, 190) == .accepted)             // 190 m in 1 s: within 150 + 50
        #expect(verdict(2, 22_190) == .jump)              // 22 km in 1 s
        #expect(verdict(2.5, 390) == .accepted)           // 200 m from the last accepted fix in 1.5 s
        #expect(verdict(3, 590) == .jump)                 // 200 m in 0.5 s: more than 75 + 50
        #expect(verdict(3, 590, accuracy: 30) == .accepted)  // … unless the fix's stated accuracy widens it: 125 + 3·30
        let drone = try #require(check.statistics.drones["7"])
        #expect(drone.jumps == 2 && drone.fixesAccepted == 4)
        let largest = try #require(drone.largestJumpMetres)
        #expect(abs(largest - 22_000) < 100)
        #expect(abs((drone.largestJumpSpeed ?? 0) - largest) < 1)   // over one second
    }

    @Test("Fixes that agree with one another but not with the first move the truth on after five; an interleaving intruder never does")
    func reanchor() throws {
        var check = TruthIntegrityCheck()
        let one = Self.sender(1)
        #expect(check.check(Self.fix(0, north: -5_000_000), topic: "json/t", sender: one, receivedAt: Self.at(0)) == .accepted)
        var verdicts: [TruthIntegrityCheck.Verdict] = []
        for i in 1...8 {
            let t = Double(i) * 0.1
            verdicts.append(check.check(Self.fix(t, north: Double(i)), topic: "json/t", sender: one, receivedAt: Self.at(t)))
        }
        #expect(verdicts == [.jump, .jump, .jump, .jump, .accepted, .accepted, .accepted, .accepted])
        let drone = try #require(check.statistics.drones["7"])
        #expect(drone.reanchors == 1 && drone.jumps == 4)

        // Without sender identities (an old recording) an intruder on the same topic alternates with the drone: its
        // fixes agree with each other, but a fix of the drone always comes between, so they never become truth.
        var legacy = TruthIntegrityCheck()
        var kept: [TruthIntegrityCheck.Verdict] = []
        for i in 0..<40 {
            let t = Double(i) * 0.1
            let north = i.isMultiple(of: 2) ? Double(i) : 22_000 + Double(i)
            kept.append(legacy.check(Self.fix(t, north: north), topic: "mavlink/drone-7", sender: nil, receivedAt: Self.at(t)))
        }
        #expect(kept.enumerated().allSatisfy { $0.offset.isMultiple(of: 2) ? $0.element == .accepted : $0.element == .jump })
        #expect(legacy.statistics.drones["7"]?.reanchors == 0)
    }

    @Test("A plaintext reconnection from the same address takes over only once the bound connection has been silent")
    func handover() throws {
        var check = TruthIntegrityCheck(settings: TruthIntegritySettings(handoverSeconds: 2))
        let (first, reconnect, stranger) = (Self.sender(1, address: "10.0.0.5"), Self.sender(2, address: "10.0.0.5"),
                                            Self.sender(3, address: "10.0.0.9"))
        #expect(check.check(Self.fix(0, north: 0), topic: "json/t", sender: first, receivedAt: Self.at(0)) == .accepted)
        #expect(check.check(Self.fix(0.5, north: 1), topic: "json/t", sender: reconnect, receivedAt: Self.at(0.5)) == .otherSender)
        #expect(check.check(Self.fix(2.5, north: 2), topic: "json/t", sender: reconnect, receivedAt: Self.at(2.5)) == .accepted)
        #expect(check.check(Self.fix(2.6, north: 3), topic: "json/t", sender: first, receivedAt: Self.at(2.6)) == .otherSender)
        #expect(check.check(Self.fix(30, north: 4), topic: "json/t", sender: stranger, receivedAt: Self.at(30)) == .otherSender)
        let drone = try #require(check.statistics.drones["7"])
        #expect(drone.handovers == 1 && drone.otherSenderFixes == 3 && drone.otherSenders == 3)
        #expect(drone.boundSender.hasPrefix("connection 2 from 10.0.0.5"))
    }

    @Test("Drones beyond the limit, and unnumbered senders, are kept out and counted; memory stays bounded")
    func limits() {
        var check = TruthIntegrityCheck(settings: TruthIntegritySettings(maximumDrones: 2))
        for drone in 0..<1000 {
            _ = check.check(Self.fix(0, north: 0, drone: "d\(drone)"), topic: "json/t", sender: Self.sender(1), receivedAt: Self.at(0))
        }
        let unnumbered = FrameSender(connection: FrameSender.unattributedConnection, endpointIndex: 0, endpointName: "drones",
                                     mechanism: .null, address: "")
        #expect(check.check(Self.fix(1, north: 0, drone: "d0"), topic: "json/t", sender: unnumbered, receivedAt: Self.at(1)) == .unattributed)
        #expect(check.check(Self.fix(1, north: 0, drone: "new"), topic: "json/t", sender: unnumbered, receivedAt: Self.at(1)) == .unattributed)
        let statistics = check.statistics
        #expect(statistics.drones.count == 2)
        #expect(statistics.fixesBeyondDroneLimit == 998)
        #expect(statistics.unattributedFixes == 2)
        #expect(statistics.drones["d0"]?.otherSenderFixes == 1)
    }

    // MARK: Through the frame processor

    static func truthJSON(_ t: Double, north: Double, seq: Int? = nil) -> [UInt8] {
        let ns = at(t).nanosecondsSinceEpoch
        let seqField = seq.map { #","seq":\#($0)"# } ?? ""
        return bytes(#"{"type":"truth","t_ns":\#(ns),"drone_id":3,"lat":\#(35.85 + north * metre),"lon":126.55,"alt":60\#(seqField)}"#)
    }

    static func process(_ p: FrameProcessor, _ topic: String, _ payload: [UInt8], at t: Double, sender: FrameSender?, sequence: inout UInt64) {
        FrameProcessor.lend([bytes(topic), payload]) { parts in
            _ = p.process(parts: parts, endpoint: 0, receivedAt: at(t), sequence: sequence, sender: sender)
        }
        sequence += 1
    }

    @Test("Two MAVLink publishers for one drone id: only the first one's fixes are truth, and the second's counter is not loss")
    func mavlinkIntruder() throws {
        let sink = CapturingSink()
        let p = FrameProcessor(endpointNames: ["drones"], maximumFrameBytes: 4096, siteGeoidSeparation: 23, recordSinks: [sink])
        let (drone, intruder) = (Self.sender(1), Self.sender(2))
        var n: UInt64 = 0
        for i in 0..<50 {
            let t = Double(i) * 0.1
            Self.process(p, "mavlink/drone-7", globalPosition(bootMs: 60_000 + UInt32(i) * 100, latitude: 35.85 + Double(i) * Self.metre,
                                                              longitude: 126.55, sequence: UInt8(i)), at: t, sender: drone, sequence: &n)
            Self.process(p, "mavlink/drone-7", globalPosition(bootMs: 5_000 + UInt32(i) * 100, latitude: 36.05, longitude: 126.55,
                                                              sequence: UInt8(100 + i)), at: t + 0.05, sender: intruder, sequence: &n)
        }
        let fixes = sink.records.compactMap { if case .truth(let fix) = $0.0 { fix } else { nil } }
        #expect(fixes.count == 50)
        #expect(fixes.allSatisfy { abs($0.position.latitude - 35.85) < 0.001 })
        let statistics = p.statistics
        let truth = try #require(statistics.truth.drones["drone-7"])
        #expect(truth.fixesAccepted == 50 && truth.otherSenderFixes == 50)
        let source = try #require(statistics.sources["mavlink/drone-7"])
        #expect(source.truthFixes == [.receive: 100])   // both senders' fixes are decoded and counted
        #expect(source.sequence == counters(checked: 100))
        #expect(source.mavlinkLoss.estimated == 0)

        // The same traffic without sender identities (a recording made before they were kept): the 22 km
        // jumps and the intruder's boot clock give it away, and none of its fixes becomes truth.
        let legacySink = CapturingSink()
        let legacy = FrameProcessor(endpointNames: ["drones"], maximumFrameBytes: 4096, siteGeoidSeparation: 23, recordSinks: [legacySink])
        n = 0
        for i in 0..<50 {
            let t = Double(i) * 0.1
            Self.process(legacy, "mavlink/drone-7", globalPosition(bootMs: 60_000 + UInt32(i) * 100, latitude: 35.85 + Double(i) * Self.metre,
                                                                   longitude: 126.55, sequence: UInt8(i)), at: t, sender: nil, sequence: &n)
            Self.process(legacy, "mavlink/drone-7", globalPosition(bootMs: 5_000 + UInt32(i) * 100, latitude: 36.05, longitude: 126.55,
                                                                   sequence: UInt8(100 + i)), at: t + 0.05, sender: nil, sequence: &n)
        }
        let legacyFixes = legacySink.records.compactMap { if case .truth(let fix) = $0.0 { fix } else { nil } }
        #expect(legacyFixes.count == 50 && legacyFixes.allSatisfy { abs($0.position.latitude - 35.85) < 0.001 })
        let flagged = try #require(legacy.statistics.truth.drones["drone-7"])
        #expect(flagged.jumps == 50)
        #expect(flagged.restarts >= 49)   // the boot clock steps back 55 s at every switch to the drone's frames
    }

    @Test("Another sender's SYSTEM_TIME for the same system does not re-time the drone's fixes")
    func clockIsolation() throws {
        let sink = CapturingSink()
        let p = FrameProcessor(endpointNames: ["drones"], maximumFrameBytes: 4096, siteGeoidSeparation: 23, recordSinks: [sink])
        func systemTime(unixMicroseconds: UInt64, bootMs: UInt32, sequence: UInt8) -> [UInt8] {
            var payload = [UInt8](repeating: 0, count: 12)
            withUnsafeBytes(of: unixMicroseconds.littleEndian) { payload.replaceSubrange(0..<8, with: $0) }
            withUnsafeBytes(of: bootMs.littleEndian) { payload.replaceSubrange(8..<12, with: $0) }
            return mavlinkFrame(messageID: 2, payload: payload, sequence: sequence, system: 7, crcExtra: 137)
        }
        var n: UInt64 = 0
        let (drone, intruder) = (Self.sender(1), Self.sender(2))
        Self.process(p, "mavlink/drone-7", systemTime(unixMicroseconds: 1_800_000_060_000_000, bootMs: 60_000, sequence: 0),
                     at: 0, sender: drone, sequence: &n)
        Self.process(p, "mavlink/drone-7", systemTime(unixMicroseconds: 1_700_000_000_000_000, bootMs: 1_000, sequence: 0),
                     at: 0.05, sender: intruder, sequence: &n)
        Self.process(p, "mavlink/drone-7", globalPosition(bootMs: 61_000, latitude: 35.85, longitude: 126.55, sequence: 1),
                     at: 1, sender: drone, sequence: &n)
        let fix = try #require(sink.records.compactMap { if case .truth(let fix) = $0.0 { fix } else { nil } }.first)
        #expect(fix.time == Timestamp(nanosecondsSinceEpoch: 1_800_000_061_000_000_000) && fix.clock == .systemTime)
    }

    @Test("JSON truth without seq from an intruder is kept out and flagged; a restarting seq is flagged")
    func jsonIntruder() throws {
        let sink = CapturingSink()
        let p = FrameProcessor(endpointNames: ["drones"], maximumFrameBytes: 4096, siteGeoidSeparation: 23, recordSinks: [sink])
        var n: UInt64 = 0
        for i in 0..<20 {
            Self.process(p, "json/truth", Self.truthJSON(Double(i), north: Double(i) * 10, seq: i), at: Double(i), sender: Self.sender(1), sequence: &n)
            Self.process(p, "json/truth", Self.truthJSON(Double(i) + 0.5, north: Double(i) * 10 + 5), at: Double(i) + 0.5,
                         sender: Self.sender(2), sequence: &n)
        }
        // The drone's own sender starts counting again mid-stream.
        Self.process(p, "json/truth", Self.truthJSON(20, north: 200, seq: 0), at: 20, sender: Self.sender(1), sequence: &n)
        let truth = sink.records.compactMap { if case .truth(let fix) = $0.0 { fix } else { nil } }
        #expect(truth.count == 21)
        let drone = try #require(p.statistics.truth.drones["3"])
        #expect(drone.otherSenderFixes == 20 && drone.restarts == 1 && drone.isFlagged)
        #expect(p.statistics.sources["json/truth"]?.records == [.truth: 41])
    }

    // MARK: MAVLink loss from the time base

    @Test("1000 frames lost at 50 Hz: the counter shows 232, the time base 1000 exactly")
    func lossBeyondTheCounter() throws {
        let p = FrameProcessor(endpointNames: ["drones"], maximumFrameBytes: 4096, siteGeoidSeparation: 23)
        var n: UInt64 = 0
        for i in 0..<3000 where !(1000..<2000).contains(i) {
            // Every frame is numbered and timed; frames 1000 to 1999 never arrive.
            Self.process(p, "mavlink/drone-7", globalPosition(bootMs: 10_000 + UInt32(i) * 20, latitude: 35.85, longitude: 126.55,
                                                              sequence: UInt8(truncatingIfNeeded: i)),
                         at: Double(i) * 0.02, sender: Self.sender(1), sequence: &n)
        }
        let source = try #require(p.statistics.sources["mavlink/drone-7"])
        #expect(source.sequence.gaps == 1 && source.sequence.missing == 1000 % 256)
        #expect(source.mavlinkLoss.estimated == 1000)
        #expect(source.mavlinkLoss.minimum == 1000 && source.mavlinkLoss.maximum == 1000 && source.mavlinkLoss.isExact)
    }

    @Test("Loss with no time base across it has no upper bound; a gap not yet followed by a timed frame neither")
    func unboundedLoss() throws {
        let p = FrameProcessor(endpointNames: ["drones"], maximumFrameBytes: 4096, siteGeoidSeparation: 23)
        var n: UInt64 = 0
        for s in [UInt8(0), 1, 2, 10, 11] {
            Self.process(p, "mavlink/x", heartbeat(sequence: s), at: Double(s), sender: nil, sequence: &n)
        }
        let source = try #require(p.statistics.sources["mavlink/x"])
        #expect(source.sequence.missing == 7)
        #expect(source.mavlinkLoss.estimated == 7 && source.mavlinkLoss.minimum == 7 && source.mavlinkLoss.unboundedGaps == 1)
        #expect(!source.mavlinkLoss.isExact)
    }

    @Test("The estimator: residue plus the multiple of 256 nearest what the rate expects, bounded by its tolerance",
          arguments: [
            // residue, received, elapsed ms, clean frames, clean ms -> estimate, minimum, maximum
            (UInt64(232), UInt64(1), Int64(20_020), UInt64(1000), Int64(20_000), UInt64(1000), UInt64(1000), UInt64(1000)),
            (4, 1, 100, 100, 1000, 4, 4, 4),                   // no multiple of 256 near what the rate expects: the nearest
            (200, 1, 40, 1000, 20_000, 200, 200, 200),         // the rate expects no loss: never below the residue
            (10, 1, 600_000, 1000, 20_000, 29_962, 27_146, 32_778),  // ten minutes at 50 Hz: lost 29 999 ± 3002
          ])
    func estimator(_ c: (UInt64, UInt64, Int64, UInt64, Int64, UInt64, UInt64, UInt64)) {
        let result = MAVLinkLossEstimate.estimate(residue: c.0, received: c.1, elapsedMilliseconds: c.2, cleanFrames: c.3,
                                                  cleanMilliseconds: c.4)
        #expect(result.estimate == c.5 && result.minimum == c.6 && result.maximum == c.7)
        #expect(result.estimate % 256 == c.0 % 256 && result.minimum <= result.estimate && result.estimate <= result.maximum)
    }
}
