// The receive-time clock. Only ingest reads the wall clock; tracking and evaluation never do.
public import TelemetryModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's UTC clock, read when a frame arrives.
public enum WallClock {
    /// Now, in nanoseconds since the Unix epoch.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(nanosecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}
