// ASTERIX over UDP through the ingest thread: datagrams in the receive order beside a ZeroMQ endpoint,
// named by their first record, cut short past the frame limit and counted as oversize.
import Asterix
import Foundation
import Logging
import Testing
import TelemetryIngest
import TelemetryModel
import ZeroMQ
import ZeroMQIngest
import TransportSettings
#if canImport(Glibc)
import Glibc
#endif

@Suite("ASTERIX over UDP")
struct DatagramIngestTests {
    /// A free UDP port on loopback.
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Sends `datagram` to 127.0.0.1:`port`.
    static func send(_ datagram: [UInt8], to port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        _ = datagram.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    @Test("Datagrams are frames named by their first record; past the frame limit one is cut short, flagged and oversize")
    func datagramsAreFrames() throws {
        let port = Self.freePort()
        let settings = IngestSettings(endpoints: [
            IngestEndpoint(name: "radars", address: "udp://127.0.0.1:\(port)", socket: .asterix, mode: .bind),
        ], maximumFrameBytes: 512, siteGeoidSeparation: 0)
        let ingestor = try TelemetryIngestor(settings: settings, logger: Logger(label: "test"))
        let sink = CapturingSink()
        try ingestor.start(rawSinks: [sink], recordSinks: [sink])
        let radar = AsterixSource(sac: 5, sic: 6)
        let small = AsterixWriter.blocks(category: 48, records: [AsterixWriter.plot(source: radar, timeOfDay: 1, rangeNM: 1, azimuthDeg: 1)])
        let large = AsterixWriter.blocks(category: 48, records: Array(repeating: AsterixWriter.plot(source: radar, timeOfDay: 1, rangeNM: 1,
                                                                                                   azimuthDeg: 1), count: 300))
        for _ in 0..<10 { Self.send(small, to: port) }
        Self.send(large, to: port)
        Self.send([0xFF, 0x00], to: port)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, sink.frames.count < 12 { Thread.sleep(forTimeInterval: 0.02) }
        let final = ingestor.stop()
        #expect(sink.frames.count == 12)
        let named = try #require(final.sources["asterix/5-6"])
        #expect(named.framesReceived == 11 && named.records == [.detection: 10] && named.malformed == [.oversizeFrame: 1])
        #expect(named.bytesReceived == UInt64(10 * small.count + large.count))
        #expect(final.sources["asterix/radars"]?.malformed == [.asterixBadBlockLength: 1])
        // The over-size datagram reaches the recorder cut short at the room kept for a message, and marked so.
        let oversize = try #require(sink.frames.first { $0.rejection == .oversizeFrame })
        #expect(oversize.truncated && oversize.parts[1].count < large.count && Array(oversize.parts[1]) == Array(large.prefix(oversize.parts[1].count)))
        #expect(sink.frames.filter { $0.rejection == nil }.allSatisfy { $0.parts == [Array("asterix/5-6".utf8), small] })
        #expect(sink.payloadBytes.contains(large.count))
    }
}
