// How tracks go out as Cursor-on-Target: the ingest config's `outputs.cot`.

/// How tracks go out as Cursor-on-Target (the ingest config's `outputs.cot`; docs/config.md).
public struct CotSettings: Hashable, Sendable {
    /// The event encoding.
    public enum Format: String, CaseIterable, Sendable {
        /// CoT XML (`<?xml ...><event ...>`), one event per datagram or per TCP write.
        case xml
        /// TAK Protocol Version 1: a `TakMessage` protobuf, in the mesh framing over UDP
        /// (`0xBF 0x01 0xBF`) and the stream framing over TCP (`0xBF`, a varint length).
        case protobuf
    }

    /// Whether events are sent (off by default).
    public var enabled = false
    /// Where datagrams go (`udp://<IPv4>:<port>`; the TAK default is the multicast group 239.2.3.1:6969).
    public var udp: String? = "udp://239.2.3.1:6969"
    /// A TAK server or C2 system to connect to over TCP (`tcp://<IPv4>:<port>`), if any.
    public var tcp: String?
    public var format = Format.xml
    /// How long an event stays valid after its time (the event's `stale`), seconds.
    public var staleSeconds = 10.0
    /// The CoT type of a track: by default an unknown-affiliation air track, military drone
    /// (MIL-STD-2525 S*APMFQ: "a-u-A-M-F-Q").
    public var type = "a-u-A-M-F-Q"
    /// Event uids are `<uidPrefix>-<track id>`; callsigns `<callsignPrefix><track id>`.
    public var uidPrefix = "haechi-track"
    public var callsignPrefix = "HAECHI-"
    /// The multicast TTL (hops).
    public var multicastTTL = 1

    public init() {}
}
