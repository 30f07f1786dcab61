// A campaign run's Pd under one criterion: the figure, its counts, and whether it met the requirement.

/// A run's Pd under one criterion.
public struct CampaignRunFigure: Sendable, Encodable {
    public var value: Double?
    public var hits: Int
    public var trials: Int
    public var success: Bool?
}
