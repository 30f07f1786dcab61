// The header of a scenario: the meta record.

/// The header of a scenario: the `meta` record.
public struct ScenarioMeta: Hashable, Sendable {
    /// The file format, such as `cuas-scenario/1`.
    public var format: String
    /// The site origin of the local frame.
    public var origin: GeodeticPosition?
    /// The scenario's start time.
    public var epoch: Timestamp?
    /// The scenario's length, seconds.
    public var durationSeconds: Double?
    /// The spacing of the truth grid, seconds (`truth_dt_s`): truth is reported at `epoch + k · step`.
    public var truthStepSeconds: Double?
    /// The generator's seed.
    public var seed: Int64?

    /// Creates a header.
    public init(format: String, origin: GeodeticPosition? = nil, epoch: Timestamp? = nil, durationSeconds: Double? = nil, seed: Int64? = nil,
                truthStepSeconds: Double? = nil) {
        self.format = format
        self.origin = origin
        self.epoch = epoch
        self.durationSeconds = durationSeconds
        self.truthStepSeconds = truthStepSeconds
        self.seed = seed
    }
}
