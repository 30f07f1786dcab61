// The JSON form of the counters, as summaries write them (snake_case, every key always present).
import TelemetryModel

extension SourceStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case framesReceived = "frames_received", bytesReceived = "bytes_received", framesMalformed = "frames_malformed", framesShed = "frames_shed"
        case records, malformed, sequence
        case mavlinkLoss = "mavlink_loss"
        case truthFixes = "truth_fixes"
        case firstRecordTime = "first_t_ns", lastRecordTime = "last_t_ns"
        case firstReceiveTime = "first_receive_ns", lastReceiveTime = "last_receive_ns"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(framesReceived, forKey: .framesReceived)
        try c.encode(bytesReceived, forKey: .bytesReceived)
        try c.encode(framesMalformed, forKey: .framesMalformed)
        try c.encode(framesShed, forKey: .framesShed)
        try c.encode(Dictionary(uniqueKeysWithValues: records.map { ($0.key.rawValue, $0.value) }), forKey: .records)
        try c.encode(Dictionary(uniqueKeysWithValues: malformed.map { ($0.key.rawValue, $0.value) }), forKey: .malformed)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(mavlinkLoss, forKey: .mavlinkLoss)
        try c.encode(Dictionary(uniqueKeysWithValues: truthFixes.map { ($0.key.rawValue, $0.value) }), forKey: .truthFixes)
        // Times are written as null, not left out, so every summary has the same keys.
        try c.encode(firstRecordTime?.nanosecondsSinceEpoch, forKey: .firstRecordTime)
        try c.encode(lastRecordTime?.nanosecondsSinceEpoch, forKey: .lastRecordTime)
        try c.encode(firstReceiveTime?.nanosecondsSinceEpoch, forKey: .firstReceiveTime)
        try c.encode(lastReceiveTime?.nanosecondsSinceEpoch, forKey: .lastReceiveTime)
    }
}

extension MAVLinkLossCounters: Encodable {
    enum CodingKeys: String, CodingKey {
        case estimated, minimum, maximum
        case unboundedGaps = "unbounded_gaps", uncheckedFrames = "unchecked_frames"
    }

    /// `maximum` is null while a gap has no upper bound.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(estimated, forKey: .estimated)
        try c.encode(minimum, forKey: .minimum)
        try c.encode(unboundedGaps == 0 ? maximum : nil, forKey: .maximum)
        try c.encode(unboundedGaps, forKey: .unboundedGaps)
        try c.encode(uncheckedFrames, forKey: .uncheckedFrames)
    }
}

extension PipelineCounters: Encodable {
    enum CodingKeys: String, CodingKey {
        case ringSlots = "ring_slots", arenaBytes = "arena_bytes", trackingOverload = "tracking_overload"
        case producerWaits = "producer_waits"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ringSlots, forKey: .ringSlots)
        try c.encode(arenaBytes, forKey: .arenaBytes)
        try c.encode(trackingOverload.rawValue, forKey: .trackingOverload)
        try c.encode(producerWaits, forKey: .producerWaits)
    }
}
