// A non-blocking UDP sender for the track outputs (CoT, ASTERIX CAT062).
import TransportSettings
import Foundation

#if canImport(Glibc)
import Glibc
import TestbedConfiguration
#endif

/// Sends datagrams to one IPv4 address, unicast or multicast, without ever waiting: a datagram the
/// socket buffer cannot take is dropped and reported as not sent.
final class DatagramSender {
    private let descriptor: Int32
    private var target = sockaddr_in()

    /// A sender to `text` (`udp://<IPv4>:<port>`); `field` names the config field in errors.
    init(_ text: String, field: String, multicastTTL: Int) throws(RuntimeError) {
        guard let address = UDPAddress(text) else {
            throw RuntimeError(code: .config, field: field, message: "'\(text)' is not udp://<IPv4 address>:<port>")
        }
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = address.port.bigEndian
        guard inet_pton(AF_INET, address.host, &target.sin_addr) == 1 else {
            throw RuntimeError(code: .config, field: field, message: "'\(text)' is not udp://<IPv4 address>:<port>")
        }
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw RuntimeError(code: .ingest, field: field, message: "cannot open a UDP socket: \(String(cString: strerror(errno)))")
        }
        var ttl = UInt8(clamping: multicastTTL)
        _ = setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_TTL, &ttl, socklen_t(MemoryLayout<UInt8>.size))
        var loop: UInt8 = 1   // a receiver on this host (a local TAK client, a test) hears it too
        _ = setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, &loop, socklen_t(MemoryLayout<UInt8>.size))
    }

    deinit { close(descriptor) }

    /// Sends `bytes` as one datagram; returns whether the kernel took it whole.
    func send(_ bytes: [UInt8]) -> Bool {
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return sent == bytes.count
    }
}
