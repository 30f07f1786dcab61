// How tracks go out as ASTERIX CAT062: the ingest config's `outputs.asterix062`.
public import Asterix

/// How tracks go out as ASTERIX CAT062 (the ingest config's `outputs.asterix062`; docs/config.md).
public struct Asterix062Settings: Hashable, Sendable {
    public var enabled = false
    /// Where the data blocks go (`udp://<IPv4>:<port>`, unicast or multicast).
    public var udp = "udp://239.0.0.62:8600"
    /// I062/010: the system's SAC and SIC; I062/015: its service.
    public var source = AsterixSource(sac: 0, sic: 62)
    public var serviceID: UInt8 = 1
    public var multicastTTL = 1

    public init() {}
}
