// Detections that no drone explains, with the exposure they are counted over.

/// The false alarms of one sensor: detections associated with no drone.
///
/// Exposure is the observed time, scans × scan period, with the period 1 / `scanRateHz` of the
/// sensor's description, or else the median interval between consecutive scans. Each scan stands for
/// one period of watching, so a run of n scans at 1 Hz is n seconds, not n − 1. The count and the
/// exposure are what an exact Poisson interval on the rate needs.
public struct FalseAlarmTally: Hashable, Sendable, Codable {
    /// Unassociated detections.
    public var count: Int
    /// Scans scored.
    public var scans: Int
    /// The scan period used for the exposure, seconds; `nil` when the description gives no scan
    /// rate and there are fewer than two distinct scan times.
    public var scanPeriodSeconds: Double?

    /// Creates a tally.
    public init(count: Int, scans: Int, scanPeriodSeconds: Double?) {
        self.count = count
        self.scans = scans
        self.scanPeriodSeconds = scanPeriodSeconds
    }

    /// The exposure, scans × scan period, seconds.
    public var exposureSeconds: Double? { scanPeriodSeconds.map { Double(scans) * $0 } }

    /// False alarms per scan, count / scans; `nil` without scans.
    public var perScan: Double? { scans > 0 ? Double(count) / Double(scans) : nil }

    /// False alarms per hour, count / (exposure / 3600 s); `nil` without exposure.
    public var perHour: Double? {
        guard let exposure = exposureSeconds, exposure > 0 else { return nil }
        return Double(count) / (exposure / 3600)
    }
}
