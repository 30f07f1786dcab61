// How tracks go to a SAPIENT decision module: the ingest config's `outputs.sapient`.

/// How tracks go to a SAPIENT decision module (the ingest config's `outputs.sapient`; docs/config.md).
public struct SapientOutputSettings: Hashable, Sendable {
    public var enabled = false
    /// The decision module (`tcp://<IPv4>:<port>`).
    public var tcp = ""
    /// Haechi's node id (a UUID), its name, and how often it reports its status (seconds).
    public var nodeID = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    public var name = "Haechi"
    public var statusIntervalSeconds = 5.0

    public init() {}
}
