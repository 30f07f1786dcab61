// Time as the range measures it: integer nanoseconds since the Unix epoch, UTC.

/// A point in time, in nanoseconds since 1970-01-01T00:00:00Z.
///
/// Integers, not floating point, so equal times compare equal across every stage and replay.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Nanoseconds since the Unix epoch.
    public var nanosecondsSinceEpoch: Int64

    /// A timestamp from nanoseconds since the Unix epoch.
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// A timestamp from (floating) seconds since the Unix epoch, rounded to the nearest nanosecond.
    ///
    /// Whole seconds and the fraction are converted apart, so a time such as `1748736016.25` is
    /// exact; a `Double` still holds only about 16 significant digits, so present-day times keep
    /// roughly 0.2 µs of whatever they carry. Returns `nil` when `seconds` is not finite or out of range.
    public init?(secondsSinceEpoch seconds: Double) {
        guard seconds.isFinite, abs(seconds) < 9.2e9 else { return nil }
        let whole = seconds.rounded(.down)
        let fraction = ((seconds - whole) * 1e9).rounded()
        self.nanosecondsSinceEpoch = Int64(whole) * 1_000_000_000 + Int64(fraction)
    }

    /// Nanoseconds from `earlier` to this time, saturating at `Int64.max` and `Int64.min` instead of
    /// trapping: timestamps come from senders and may be anywhere in `Int64`, and an interval between
    /// two of them must never crash the process that measures it.
    public func nanoseconds(since earlier: Timestamp) -> Int64 {
        let (difference, overflow) = nanosecondsSinceEpoch.subtractingReportingOverflow(earlier.nanosecondsSinceEpoch)
        guard overflow else { return difference }
        return nanosecondsSinceEpoch > earlier.nanosecondsSinceEpoch ? .max : .min
    }

    /// Seconds from `earlier` to this time (from the saturating ``nanoseconds(since:)``).
    public func seconds(since earlier: Timestamp) -> Double { Double(nanoseconds(since: earlier)) / 1e9 }

    /// Seconds since the Unix epoch.
    public var secondsSinceEpoch: Double { Double(nanosecondsSinceEpoch) / 1e9 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        nanosecondsSinceEpoch = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(nanosecondsSinceEpoch)
    }

    public var description: String { "\(nanosecondsSinceEpoch) ns" }
}
