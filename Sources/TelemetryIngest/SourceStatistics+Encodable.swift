// The JSON form of the counters, as summaries write them (snake_case, every key always present).
import TelemetryModel

extension SourceStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case framesReceived = "frames_received", bytesReceived = "bytes_received", framesMalformed = "frames_malformed", framesShed = "frames_shed"
        case records, malformed, sequence
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
        try c.encode(Dictionary(uniqueKeysWithValues: truthFixes.map { ($0.key.rawValue, $0.value) }), forKey: .truthFixes)
        // Times are written as null, not left out, so every summary has the same keys.
        try c.encode(firstRecordTime?.nanosecondsSinceEpoch, forKey: .firstRecordTime)
        try c.encode(lastRecordTime?.nanosecondsSinceEpoch, forKey: .lastRecordTime)
        try c.encode(firstReceiveTime?.nanosecondsSinceEpoch, forKey: .firstReceiveTime)
        try c.encode(lastReceiveTime?.nanosecondsSinceEpoch, forKey: .lastReceiveTime)
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
