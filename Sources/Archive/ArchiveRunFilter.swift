// Which archived runs a query, a campaign or a re-evaluation takes.

/// A filter on archived runs; `nil` fields do not filter.
public struct ArchiveRunFilter: Sendable, Hashable {
    /// Runs evaluated with a plan for this system under test (the plan's `system.name`).
    public var system: String?
    /// Runs evaluated under this plan name.
    public var plan: String?
    public var site: String?
    public var range: String?
    /// Logged at or after this time, and before `until` (ISO 8601 with a zone).
    public var from: String?
    public var until: String?

    public init(system: String? = nil, plan: String? = nil, site: String? = nil, range: String? = nil, from: String? = nil,
                until: String? = nil) {
        self.system = system
        self.plan = plan
        self.site = site
        self.range = range
        self.from = from
        self.until = until
    }
}
