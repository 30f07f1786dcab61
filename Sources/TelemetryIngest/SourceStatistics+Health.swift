// When a source is stale and a configured sensor silent: one rule for the status line and the web view.
public import TelemetryModel

extension SourceStatistics {
    /// A source whose last frame is older than this is stale at the least.
    public static let staleAfterSeconds = 5.0

    /// How long ago, at `now`, the last frame arrived, when that makes the source stale; `nil` when
    /// it is not.
    ///
    /// Only a stream is judged: two frames or more. It is stale when its last frame is older than
    /// ``staleAfterSeconds`` and than three of its mean intervals, so a 0.2 Hz status feed is not
    /// stale after 6 s while a 10 Hz radar is.
    public func staleAge(at now: Timestamp) -> Double? {
        guard let age = age(at: now), framesReceived >= 2, let first = firstReceiveTime, let last = lastReceiveTime else { return nil }
        let interval = Double(last.nanosecondsSinceEpoch &- first.nanosecondsSinceEpoch) / 1e9 / Double(framesReceived - 1)
        return age > max(Self.staleAfterSeconds, 3 * interval) ? age : nil
    }

    /// Seconds from the last frame's arrival to `now` (never negative); `nil` before any frame.
    public func age(at now: Timestamp) -> Double? {
        guard let last = lastReceiveTime else { return nil }
        return max(0, Double(now.nanosecondsSinceEpoch &- last.nanosecondsSinceEpoch) / 1e9)
    }
}

/// A configured sensor and the sources it would speak as (`json/<id>`, `sapient/<id>`,
/// `asterix/<SAC>-<SIC>`): silent while none of them has sent a frame.
public struct ExpectedSensor: Hashable, Sendable {
    public var id: String
    public var sources: [String]

    public init(id: String, sources: [String]) {
        self.id = id
        self.sources = sources
    }

    /// The ids of `expected` sensors none of whose sources `statistics` has heard, in their order.
    public static func silent(_ expected: [ExpectedSensor], in statistics: IngestStatistics) -> [String] {
        expected.filter { sensor in !sensor.sources.contains { statistics.sources[$0] != nil } }.map(\.id)
    }
}
