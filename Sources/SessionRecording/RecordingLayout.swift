// How a session sits in an MCAP file: channel topics, encodings, schemas and metadata names.
public import TelemetryModel
public import TelemetryIngest
import Foundation

/// The layout of a Haechi recording (docs/recording.md).
///
/// Every received frame is one MCAP message, in receive order, with `log_time` = `publish_time` =
/// its receive time (ns since the Unix epoch) and `sequence` = the low 32 bits of its global receive
/// sequence. Which channel it goes on depends on how the decode stage judged it:
///
/// - a frame that decoded: on the channel named by its topic (`json/radar-1`), encoding `json`
///   (with a JSON Schema), `mavlink` (the frame bytes as received) or `asterix` (the datagram as
///   received); the message data is the payload;
/// - a frame rejected, cut short or badly enveloped: on `malformed/<source>`; one counted without
///   decoding under the `shed` policy: on `shed/<source>`. Both use the encoding
///   `haechi.zmq-multipart`: every ZeroMQ part as received, each as a little-endian u32 length and
///   its bytes. A `haechi/frame_flags` message before each malformed frame gives the reason.
///
/// Each frame channel's metadata names its endpoint (`endpoint`, `endpoint_index`) and `source`.
/// The number of frame channels is capped (``RecordingOptions/maximumFrameChannels``): a frame that
/// would need one more goes to its endpoint's overflow channel of its kind (`!overflow@<endpoint>`,
/// `malformed/!overflow@<endpoint>`, `shed/!overflow@<endpoint>`), in the `haechi.zmq-multipart`
/// encoding whatever its kind, since the channel does not name its source. Who sent the frames: a
/// `haechi/senders` message before the first frame of each endpoint and source (an overflow channel
/// counting as one source), and again whenever its sender changes, names the sender of the frames
/// that follow. Beside the frames: the decoded truth (`/truth/<drone>`) and the confirmed tracks
/// (`/tracks/<id>`) as `foxglove.LocationFix`, every step's tracks on `/tracks` as `foxglove.LocationFixes`,
/// the 3D scene on `/scene/tracks` and `/scene/sensors` as `foxglove.SceneUpdate`, the sensor sites on `/sites` as `foxglove.GeoJSON`,
/// and the track lines the live tracker published on `haechi/tracks`. Metadata `haechi.run` (at the
/// start) and `haechi.run_end` (at the end) hold the run's provenance.
public enum RecordingLayout {
    /// The MCAP profile written in the header.
    public static let profile = "haechi"
    /// The metadata record written when recording starts.
    public static let runMetadata = "haechi.run"
    /// The metadata record written when the recording is finalised.
    public static let endMetadata = "haechi.run_end"

    /// The encoding of malformed and shed frames: every part, each as a u32 LE length and its bytes.
    public static let multipartEncoding = "haechi.zmq-multipart"
    /// The encoding of MAVLink frames (schemaless: the bytes as received).
    public static let mavlinkEncoding = "mavlink"
    /// The encoding of ASTERIX frames (schemaless: the datagram as received, its data blocks whole).
    public static let asterixEncoding = "asterix"
    /// The prefix of the channels of rejected, cut-short or badly enveloped frames.
    public static let malformedPrefix = "malformed/"
    /// The prefix of the channels of frames counted without decoding (`tracking_overload: shed`).
    public static let shedPrefix = "shed/"
    /// Why each malformed frame was rejected.
    public static let flagsTopic = "haechi/frame_flags"
    /// Who sent the frames that follow, per endpoint and source.
    public static let sendersTopic = "haechi/senders"
    /// The live tracker's `json/tracks` lines.
    public static let tracksTopic = "haechi/tracks"
    /// The sensor sites.
    public static let sitesTopic = "/sites"
    /// Every confirmed track at each tracker step, as one `foxglove.LocationFixes`.
    public static let trackFixesTopic = "/tracks"
    /// The 3D scene: the tracks at each step, and the sensors with their coverage (`foxglove.SceneUpdate`).
    public static let trackSceneTopic = "/scene/tracks"
    public static let sensorSceneTopic = "/scene/sensors"

    /// A drone's truth channel.
    public static func truthTopic(drone: String) -> String { "/truth/\(drone)" }
    /// A confirmed track's channel.
    public static func trackTopic(id: Int) -> String { "/tracks/\(id)" }
    /// The truth fixes of drones past ``RecordingOptions/maximumTruthChannels`` (each fix's
    /// `frame_id` still names its drone).
    public static let truthOverflowTopic = "/truth/!overflow"
    /// The fixes of tracks past ``RecordingOptions/maximumTrackChannels`` (each fix's `frame_id`
    /// still names its track).
    public static let trackOverflowTopic = "/tracks/!overflow"

    /// The source named by an endpoint's overflow channels, as the counters name the pseudo-source
    /// of topics past `limits.max_sources`: `!overflow@<endpoint>`. No topic can be named so.
    public static func overflowSource(endpoint: String) -> String { "!overflow@\(endpoint)" }

    /// The channels a recorder opens whatever the input: `haechi/frame_flags`, `haechi/tracks`,
    /// `/sites`, `/truth/!overflow`, `/tracks/!overflow`, `/tracks`, `/scene/tracks` and `/scene/sensors`.
    static let fixedChannels = 8

    /// The most frame channels a recorder with `options` and `endpointCount` endpoints opens before it
    /// uses the overflow channels: ``RecordingOptions/maximumFrameChannels``, lowered so that it, the
    /// fixed channels, three overflow channels per endpoint (decoded, malformed, shed) and the truth
    /// and track channels all fit in MCAP's 65535 channel IDs.
    public static func frameChannelLimit(options: RecordingOptions, endpointCount: Int) -> Int {
        let others = fixedChannels + 3 * endpointCount + max(0, options.maximumTruthChannels) + max(0, options.maximumTrackChannels)
        return max(0, min(options.maximumFrameChannels, Int(UInt16.max) - others))
    }

    /// What a frame channel holds.
    public enum FrameKind: String, Sendable, Hashable {
        /// Frames that decoded; the message is the payload.
        case decoded
        /// Frames rejected, cut short or badly enveloped; the message is every part.
        case malformed
        /// Frames counted without decoding; the message is every part.
        case shed
    }

    /// The channel topic of `source`'s frames of `kind`.
    public static func frameTopic(source: String, kind: FrameKind) -> String {
        switch kind {
        case .decoded: source
        case .malformed: malformedPrefix + source
        case .shed: shedPrefix + source
        }
    }

    // MARK: The multipart encoding

    /// The parts as one message: each a u32 LE length and its bytes.
    public static func encodeMultipart(_ parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for part in parts {
            let count = UInt32(truncatingIfNeeded: part.count)
            withUnsafeBytes(of: count.littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: part)
        }
    }

    /// The parts of a multipart message, or `nil` when it is not one (a length past the end).
    public static func decodeMultipart(_ bytes: [UInt8]) -> [[UInt8]]? {
        var parts: [[UInt8]] = []
        var at = 0
        while at < bytes.count {
            guard at + 4 <= bytes.count else { return nil }
            let count = Int(UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
            at += 4
            guard count <= bytes.count - at else { return nil }
            parts.append(Array(bytes[at..<(at + count)]))
            at += count
        }
        return parts
    }

    // MARK: Schemas (JSON Schema, draft 2020-12: Foxglove wants one on every json channel)

    /// The schema of Haechi's telemetry records (docs/wire-formats.md has the full per-type schemas).
    public static let telemetryRecordSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"haechi telemetry record",\
    "description":"One record of Haechi's JSON wire format (docs/wire-formats.md, docs/schemas/).",\
    "type":"object","required":["type"],"properties":{"type":{"type":"string"},"t_ns":{"type":"integer"}}}
    """

    /// foxglove.LocationFix.
    public static let locationFixSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"foxglove.LocationFix",\
    "description":"A navigation satellite fix for any Global Navigation Satellite System","type":"object",\
    "properties":{"timestamp":{"type":"object","title":"time","properties":{"sec":{"type":"integer","minimum":0},\
    "nsec":{"type":"integer","minimum":0,"maximum":999999999}}},"frame_id":{"type":"string"},\
    "latitude":{"type":"number"},"longitude":{"type":"number"},"altitude":{"type":"number"},\
    "position_covariance":{"type":"array","items":{"type":"number"},"minItems":9,"maxItems":9},\
    "position_covariance_type":{"type":"integer","enum":[0,1,2,3]},"heading":{"type":"number"},\
    "velocity":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"},"z":{"type":"number"}}},\
    "color":{"type":"object","properties":{"r":{"type":"number"},"g":{"type":"number"},"b":{"type":"number"},"a":{"type":"number"}}}}}
    """

    /// foxglove.GeoJSON.
    public static let geoJSONSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"foxglove.GeoJSON",\
    "description":"GeoJSON data for annotating maps","type":"object","properties":{"geojson":{"type":"string"}}}
    """

    /// A `haechi/frame_flags` message.
    public static let frameFlagsSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"haechi.FrameFlags",\
    "description":"Why the next malformed frame was rejected, or that the next shed frame is cut short.","type":"object","required":["seq","reason"],\
    "properties":{"seq":{"type":"integer"},"endpoint":{"type":"integer"},"reason":{"type":["string","null"]},\
    "truncated":{"type":"boolean"},"bytes":{"type":"integer"}}}
    """

    /// A `haechi/senders` message.
    public static let senderSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"haechi.FrameSender",\
    "description":"Who sent the frames of one endpoint and source from this frame on (docs/recording.md).",\
    "type":"object","required":["seq","endpoint","source","connection"],\
    "properties":{"seq":{"type":"integer"},"endpoint":{"type":"integer"},"source":{"type":"string"},\
    "connection":{"type":"integer","description":"the ZAP handler's connection number; 0: not known"},\
    "endpoint_name":{"type":"string"},\
    "mechanism":{"enum":["NULL","CURVE"]},"address":{"type":"string"},"public_key":{"type":["string","null"]},\
    "client":{"type":["string","null"]},\
    "topics":{"type":"array","items":{"type":"string"},"description":"the topics a CURVE client may send (a trailing * is a prefix)"},\
    "mavlink_systems":{"type":"array","items":{"type":"integer"}}}}
    """

    /// A `haechi/tracks` message: one track line (docs/schemas/track.schema.json).
    public static let trackLineSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"haechi.Track",\
    "description":"A confirmed track's state, as published on json/tracks (docs/schemas/track.schema.json).",\
    "type":"object","required":["type","track_id","t_ns","enu","vel","status"],\
    "properties":{"type":{"const":"track"},"track_id":{"type":"integer"},"t_ns":{"type":"integer"}}}
    """

    // MARK: Messages

    /// A foxglove.LocationFix message (`FoxgloveMessages.locationFix`): truth's colour unless given.
    public static func locationFix(time: Timestamp, frame: String, position: GeodeticPosition,
                                   horizontalVariance: Double? = nil, verticalVariance: Double? = nil,
                                   color: FoxgloveMessages.Color = FoxgloveMessages.truthColor, velocity: ENUVector? = nil) -> [UInt8] {
        Array(FoxgloveMessages.locationFix(time: time, frame: frame, position: position, horizontalVariance: horizontalVariance,
                                           verticalVariance: verticalVariance, color: color, velocity: velocity).utf8)
    }

    /// A foxglove.GeoJSON message with one point feature per sensor that has a position.
    public static func sites(_ sensors: [SensorDescription]) -> [UInt8] {
        var features: [String] = []
        for sensor in sensors.sorted(by: { $0.sensorID < $1.sensorID }) {
            guard let p = sensor.position else { continue }
            var properties = JSONObjectWriter()
            properties.field("name", sensor.sensorID)
            properties.field("kind", sensor.kind)
            features.append("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":["
                            + "\(p.longitude),\(p.latitude),\(p.ellipsoidalHeight)]},\"properties\":\(properties.json)}")
        }
        let geojson = "{\"type\":\"FeatureCollection\",\"features\":[" + features.joined(separator: ",") + "]}"
        var w = JSONObjectWriter()
        w.field("geojson", geojson)
        return Array(w.json.utf8)
    }

    /// A `haechi/senders` message: from receive sequence `sequence` on, `sender` (nil: not known)
    /// sent the frames of `source` on endpoint `endpoint`.
    public static func senderChange(sequence: UInt64, endpoint: Int, source: String, sender: FrameSender?) -> [UInt8] {
        var w = JSONObjectWriter()
        w.field("seq", Int64(bitPattern: sequence))
        w.field("endpoint", endpoint)
        w.field("source", source)
        w.field("connection", Int(sender?.connection ?? 0))
        if let sender { w.field("endpoint_name", sender.endpointName) }
        if let sender {
            w.field("mechanism", sender.mechanism.rawValue)
            w.field("address", sender.address)
            if let key = sender.publicKey { w.field("public_key", key) } else { w.null("public_key") }
            if let client = sender.clientName { w.field("client", client) } else { w.null("client") }
            if let allowance = sender.allowance {
                w.raw("topics", json: "[" + allowance.topics.map(Self.jsonString).joined(separator: ",") + "]")
                if let systems = allowance.mavlinkSystems {
                    w.raw("mavlink_systems", json: "[" + systems.map(String.init).joined(separator: ",") + "]")
                }
            }
        }
        return Array(w.json.utf8)
    }

    /// `text` as a JSON string.
    private static func jsonString(_ text: String) -> String {
        var w = JSONObjectWriter()
        w.field("s", text)
        return String(w.json.dropFirst(6).dropLast())   // {"s": "…"} → "…"
    }

    /// The sender a `haechi/senders` message names; `nil` for connection 0 (not known). `known`
    /// keeps one object per connection, so identity holds across sources.
    public static func sender(fromChange data: [UInt8],
                              known: inout [UInt64: FrameSender]) -> (endpoint: Int, source: String, sender: FrameSender?)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any],
              let endpoint = object["endpoint"] as? Int, let source = object["source"] as? String,
              let connection = object["connection"] as? Int, connection >= 0, connection <= Int(UInt32.max) else { return nil }
        guard connection > 0 else { return (endpoint, source, nil) }
        let key = UInt64(connection) << 32 | UInt64(UInt32(truncatingIfNeeded: endpoint))
        if let sender = known[key] { return (endpoint, source, sender) }
        let mechanism = (object["mechanism"] as? String).flatMap(FrameSender.Mechanism.init(rawValue:)) ?? .null
        let name = object["endpoint_name"] as? String ?? "\(endpoint)"
        let allowance = (object["topics"] as? [String]).map { topics in
            SourceAllowance(topics: topics, mavlinkSystems: (object["mavlink_systems"] as? [Int])?.compactMap(UInt8.init(exactly:)))
        }
        let sender = FrameSender(connection: UInt32(connection), endpointIndex: endpoint, endpointName: name, mechanism: mechanism,
                                 address: object["address"] as? String ?? "", publicKey: object["public_key"] as? String,
                                 clientName: object["client"] as? String, allowance: allowance)
        known[key] = sender
        return (endpoint, source, sender)
    }

    /// A `haechi/frame_flags` message. `payloadBytes`, for a frame stored cut short: the bytes of
    /// every part after the first as they arrived (what `bytes_received` counted), as `bytes`.
    public static func frameFlags(sequence: UInt64, endpoint: Int, reason: RejectReason?, truncated: Bool,
                                  payloadBytes: Int? = nil) -> [UInt8] {
        var w = JSONObjectWriter()
        w.field("seq", Int64(bitPattern: sequence))
        w.field("endpoint", endpoint)
        if let reason { w.field("reason", reason.rawValue) } else { w.null("reason") }
        w.field("truncated", truncated)
        if let payloadBytes { w.field("bytes", payloadBytes) }
        return Array(w.json.utf8)
    }

    /// The `reason` of a `haechi/frame_flags` message, if it names one (a file is input too: anything
    /// but a short string is ignored).
    public static func flaggedReason(_ flags: [UInt8]) -> String? {
        guard flags.count < 4096, let object = try? JSONSerialization.jsonObject(with: Data(flags)) as? [String: Any],
              let reason = object["reason"] as? String, reason.utf8.count <= 64 else { return nil }
        return reason
    }

    /// The `bytes` of a `haechi/frame_flags` message (a frame stored cut short), if it has them and
    /// they are a count (a file is input too: a negative or fractional value is ignored).
    public static func flaggedPayloadBytes(_ flags: [UInt8]) -> Int? {
        guard flags.count < 4096, flags.firstRange(of: Array(#""bytes":"#.utf8)) != nil,
              let object = try? JSONSerialization.jsonObject(with: Data(flags)) as? [String: Any],
              let number = object["bytes"] as? NSNumber, let bytes = Int(exactly: number.doubleValue), bytes >= 0 else { return nil }
        return bytes
    }
}
