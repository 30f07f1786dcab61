// A CURVE endpoint's keys: the server's secret key, and each client key with the sources it may speak for.
import TelemetryIngest

/// CurveZMQ on one endpoint: the server's key, and the client keys admitted, each tied to the sources
/// (topics, MAVLink system ids) it may speak for (docs/config.md, `curve`).
public struct CurveSettings: Hashable, Sendable {
    /// The file the server's secret key is read from (Z85), as configured.
    public var serverKeyFile: String
    /// The server's secret key, once read (at the start of a live run; never recorded).
    public var serverSecretKey: String?
    /// The client keys admitted.
    public var clients: [CurveClient]

    /// The 85 characters of Z85 (ZeroMQ RFC 32), in value order.
    private static let z85Alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    /// Whether `text` is a CURVE key in Z85: 40 characters of its alphabet, each group of five worth at
    /// most 2³² − 1 (what `zmq_z85_decode` accepts). Plain Swift, so a config is checked without libzmq;
    /// `Tests/TelemetryIngestTests` holds it to libzmq's decoder.
    public static func isZ85Key(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 40 else { return false }
        for group in stride(from: 0, to: 40, by: 5) {
            var value: UInt64 = 0
            for byte in bytes[group..<group + 5] {
                guard let digit = z85Alphabet.firstIndex(of: byte) else { return false }
                value = value * 85 + UInt64(digit)
            }
            if value > UInt64(UInt32.max) { return false }
        }
        return true
    }

    /// Settings; the secret key is read later (``serverSecretKey``).
    public init(serverKeyFile: String, serverSecretKey: String? = nil, clients: [CurveClient]) {
        self.serverKeyFile = serverKeyFile
        self.serverSecretKey = serverSecretKey
        self.clients = clients
    }
}

/// One client key a CURVE endpoint admits, and what it may send.
public struct CurveClient: Hashable, Sendable {
    /// A name for people (summaries, the recording, the report).
    public var name: String
    /// Its public key, Z85.
    public var publicKey: String
    /// The topics it may send: exact topics, or prefixes ending in `*` (`json/radar-*`).
    public var topics: [String]
    /// The MAVLink system ids it may send; `nil`: any.
    public var mavlinkSystems: [UInt8]?

    /// A client.
    public init(name: String, publicKey: String, topics: [String], mavlinkSystems: [UInt8]? = nil) {
        self.name = name
        self.publicKey = publicKey
        self.topics = topics
        self.mavlinkSystems = mavlinkSystems
    }
}
