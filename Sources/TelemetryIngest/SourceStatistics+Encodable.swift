// The JSON form of the counters, as summaries write them (snake_case, every key always present).
import TelemetryModel

extension SourceStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case framesReceived = "frames_received", bytesReceived = "bytes_received", framesMalformed = "frames_malformed"
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
