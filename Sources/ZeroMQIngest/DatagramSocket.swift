// A UDP socket for ASTERIX: bound, optionally joined to a multicast group, read without blocking.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import TelemetryIngest
import TransportSettings

/// A bound, non-blocking UDP socket (IPv4), polled by the receive thread beside the ZeroMQ sockets
/// (`zmq_poll` takes plain descriptors too), so that datagrams take their place in the one receive
/// order. A plain socket rather than a libzmq one: libzmq's UDP transport serves only its draft
/// RADIO/DISH sockets, which frame datagrams their own way; a radar sends bare ASTERIX.
final class DatagramSocket {
    let descriptor: Int32

    /// A socket bound to `address` (`udp://<ipv4>:<port>`). A multicast group address (224.0.0.0/4)
    /// is joined (IGMP) on the interface at `interface` (an IPv4 address; `nil`: the kernel's choice),
    /// and the socket binds the group's port.
    init(address: String, interface: String?, receiveBufferBytes: Int?) throws(IngestError) {
        guard let udp = UDPAddress(address) else {
            throw IngestError(code: .endpointSetup, message: "'\(address)' is not udp://<IPv4 address>:<port>")
        }
        var group = in_addr()
        _ = inet_pton(AF_INET, udp.host, &group)
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("socket", address) }
        self.descriptor = descriptor
        var yes: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if var bytes = receiveBufferBytes.map(Int32.init) {
            _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
        }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_port = udp.port.bigEndian
        local.sin_addr = group
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Self.failure("bind", address) }
        if udp.isMulticast {
            var request = ip_mreq()
            request.imr_multiaddr = group
            if let interface {
                guard inet_pton(AF_INET, interface, &request.imr_interface) == 1 else {
                    throw IngestError(code: .endpointSetup, message: "interface '\(interface)' is not an IPv4 address")
                }
            }
            guard setsockopt(descriptor, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request, socklen_t(MemoryLayout<ip_mreq>.size)) == 0 else {
                throw Self.failure("joining the multicast group of", address)
            }
        }
    }

    deinit { close(descriptor) }

    /// Receives one datagram into `buffer` without blocking.
    /// - Returns: the datagram's size as it arrived (more than `buffer` holds when it was cut
    ///   short), or `nil` when none is waiting.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int? {
        while true {
            let n = recv(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_TRUNC))
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw Self.failure("recv on", "descriptor \(descriptor)")
            }
        }
    }

    private static func failure(_ what: String, _ address: String) -> IngestError {
        let code = errno
        return IngestError(code: .endpointSetup, message: "\(what) \(address) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}
