// An ASTERIX endpoint's address: udp://<IPv4>:<port>.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An IPv4 UDP address as an `asterix` endpoint names it, `udp://<dotted quad>:<port>`: a unicast
/// address to bind, or a multicast group (224.0.0.0/4) to join.
public struct UDPAddress: Hashable, Sendable {
    /// The dotted-quad address.
    public let host: String
    /// The port, 1 to 65535.
    public let port: UInt16

    /// The address `text` names, if it is one; `scheme: "tcp"` reads a `sapient` endpoint's
    /// `tcp://<IPv4>:<port>` the same way.
    public init?(_ text: String, scheme: String = "udp") {
        guard text.hasPrefix(scheme + "://") else { return nil }
        let rest = text.dropFirst(scheme.count + 3)
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]), port > 0 else { return nil }
        let host = String(rest[..<colon])
        guard Self.isIPv4(host) else { return nil }
        self.host = host
        self.port = port
    }

    /// Whether `text` is an IPv4 address in dotted-quad form.
    public static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    /// Whether it is a multicast group (224.0.0.0/4).
    public var isMulticast: Bool {
        var address = in_addr()
        _ = inet_pton(AF_INET, host, &address)
        return UInt32(bigEndian: address.s_addr) >> 28 == 0xE
    }
}
