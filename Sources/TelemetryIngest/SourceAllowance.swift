// What one sender (a CURVE key today) may speak for.

/// What a sender may speak for: topics (exact, or prefixes ending in `*`) and MAVLink system ids.
public struct SourceAllowance: Hashable, Sendable {
    /// The patterns as configured.
    public let topics: [String]
    /// The MAVLink system ids; `nil`: any.
    public let mavlinkSystems: [UInt8]?
    private let exact: Set<String>
    private let prefixes: [String]
    private let systems: [Bool]

    /// An allowance.
    public init(topics: [String], mavlinkSystems: [UInt8]?) {
        self.topics = topics
        self.mavlinkSystems = mavlinkSystems
        exact = Set(topics.filter { !$0.hasSuffix("*") })
        prefixes = topics.filter { $0.hasSuffix("*") }.map { String($0.dropLast()) }
        var systems = [Bool](repeating: mavlinkSystems == nil, count: 256)
        for id in mavlinkSystems ?? [] { systems[Int(id)] = true }
        self.systems = systems
    }

    /// Whether it may send on `topic`.
    public func allows(topic: String) -> Bool {
        exact.contains(topic) || prefixes.contains { topic.hasPrefix($0) }
    }

    /// Whether it may send MAVLink frames of system `id`.
    public func allows(system id: UInt8) -> Bool { systems[Int(id)] }
}
