// The Foxglove messages a recording carries for its Map and 3D panels, in Foxglove's JSON encoding
// (times as {"sec", "nsec"}, as Foxglove's JSON Schemas in foxglove/schemas have them).
public import TelemetryModel
import Foundation

/// Builders of `foxglove.LocationFix`, `foxglove.LocationFixes` and `foxglove.SceneUpdate` messages.
public enum FoxgloveMessages {
    /// An RGBA colour, each channel 0...1.
    public struct Color: Sendable, Hashable {
        public var r, g, b, a: Double
        public init(r: Double, g: Double, b: Double, a: Double = 1) { (self.r, self.g, self.b, self.a) = (r, g, b, a) }

        var json: String { "{\"r\":\(r),\"g\":\(g),\"b\":\(b),\"a\":\(a)}" }
    }

    /// Truth: green, drawn under the tracks. Tracks: orange. Sensors: blue; their coverage a paler blue.
    public static let truthColor = Color(r: 0.18, g: 0.75, b: 0.29)
    public static let trackColor = Color(r: 1.0, g: 0.5, b: 0.05)
    public static let sensorColor = Color(r: 0.2, g: 0.45, b: 0.95)
    public static let coverageColor = Color(r: 0.2, g: 0.45, b: 0.95, a: 0.5)

    /// The frame of the 3D scene: the site's east-north-up plane, metres (set it as the 3D panel's
    /// display frame).
    public static let sceneFrame = "site_enu"

    /// One confirmed track at one step, for the picture of all tracks and the 3D scene.
    public struct TrackState: Sendable {
        public var id: Int
        public var enu: ENUVector
        public var velocity: ENUVector
        public var position: GeodeticPosition
        public var horizontalVariance: Double
        public var verticalVariance: Double

        public init(id: Int, enu: ENUVector, velocity: ENUVector, position: GeodeticPosition, horizontalVariance: Double,
                    verticalVariance: Double) {
            self.id = id
            self.enu = enu
            self.velocity = velocity
            self.position = position
            self.horizontalVariance = horizontalVariance
            self.verticalVariance = verticalVariance
        }
    }

    static func time(_ t: Timestamp) -> String {
        let ns = t.nanosecondsSinceEpoch
        let sec = ns >= 0 ? ns / 1_000_000_000 : 0, nsec = ns >= 0 ? ns % 1_000_000_000 : 0
        return "{\"sec\":\(sec),\"nsec\":\(nsec)}"
    }

    static func vector(_ v: ENUVector) -> String {
        func n(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "0" }
        return "{\"x\":\(n(v.x)),\"y\":\(n(v.y)),\"z\":\(n(v.z))}"
    }

    /// A `foxglove.LocationFix`: a position with its covariance (diagonal in ENU when known), colour,
    /// and for a track its ENU velocity and its heading (radians clockwise from north).
    public static func locationFix(time t: Timestamp, frame: String, position: GeodeticPosition, horizontalVariance: Double? = nil,
                                   verticalVariance: Double? = nil, color: Color, velocity: ENUVector? = nil) -> String {
        var w = JSONObjectWriter()
        w.raw("timestamp", json: time(t))
        w.field("frame_id", frame)
        w.field("latitude", position.latitude, decimals: 9)
        w.field("longitude", position.longitude, decimals: 9)
        w.field("altitude", position.ellipsoidalHeight, decimals: 3)
        if let h = horizontalVariance, let v = verticalVariance, h.isFinite, v.isFinite {
            w.field("position_covariance", [h, 0, 0, 0, h, 0, 0, 0, v], decimals: 3)
            w.field("position_covariance_type", 2)
        } else {
            w.field("position_covariance", [Double](repeating: 0, count: 9), decimals: 0)
            w.field("position_covariance_type", 0)
        }
        if let velocity, velocity.x.isFinite, velocity.y.isFinite, velocity.z.isFinite {
            w.raw("velocity", json: vector(velocity))
            if velocity.x != 0 || velocity.y != 0 {
                var heading = atan2(velocity.x, velocity.y)
                if heading < 0 { heading += 2 * .pi }
                w.field("heading", heading, decimals: 4)
            }
        }
        w.raw("color", json: color.json)
        return w.json
    }

    /// A `foxglove.LocationFixes`: every confirmed track at one step (empty when there is none, so the
    /// map's picture clears).
    public static func trackFixes(time t: Timestamp, tracks: [TrackState]) -> [UInt8] {
        let fixes = tracks.map {
            locationFix(time: t, frame: "track/\($0.id)", position: $0.position, horizontalVariance: $0.horizontalVariance,
                        verticalVariance: $0.verticalVariance, color: trackColor, velocity: $0.velocity)
        }
        return Array(("{\"fixes\":[" + fixes.joined(separator: ",") + "]}").utf8)
    }

    /// A pose at `p` whose x axis points along `direction` (identity when it has no length).
    static func pose(at p: ENUVector, pointing direction: ENUVector = ENUVector(1, 0, 0)) -> String {
        let horizontal = (direction.x * direction.x + direction.y * direction.y).squareRoot()
        let yaw = atan2(direction.y, direction.x), pitch = -atan2(direction.z, horizontal)
        let cz = cos(yaw / 2), sz = sin(yaw / 2), cp = cos(pitch / 2), sp = sin(pitch / 2)
        // q = q_z(yaw) q_y(pitch): turn the x axis up or down, then about the vertical.
        let q = (x: -sz * sp, y: cz * sp, z: cp * sz, w: cz * cp)
        return "{\"position\":\(vector(p)),\"orientation\":{\"x\":\(q.x),\"y\":\(q.y),\"z\":\(q.z),\"w\":\(q.w)}}"
    }

    /// A `foxglove.SceneUpdate` of the tracks at one step, in the site's ENU frame: per track a sphere
    /// (its 1-σ extent, at least 5 m), an arrow along its velocity (one second's travel), and its
    /// number. Each entity lives 2 s unless replaced, so a track that ends fades from the scene.
    public static func trackScene(time t: Timestamp, tracks: [TrackState]) -> [UInt8] {
        let entities = tracks.map { track -> String in
            func size(_ variance: Double) -> Double {
                let extent = 2 * max(0, variance).squareRoot()
                return extent.isFinite ? max(5, extent) : 5   // JSON has no infinity
            }
            let h = size(track.horizontalVariance), v = size(track.verticalVariance)
            let speed = (track.velocity.x * track.velocity.x + track.velocity.y * track.velocity.y
                         + track.velocity.z * track.velocity.z).squareRoot()
            var arrows = ""
            if speed.isFinite && speed > 0.1 {
                arrows = "{\"pose\":\(pose(at: track.enu, pointing: track.velocity)),\"shaft_length\":\(max(0.1, speed - 2)),"
                    + "\"shaft_diameter\":1,\"head_length\":2,\"head_diameter\":3,\"color\":\(trackColor.json)}"
            }
            return "{\"timestamp\":\(time(t)),\"frame_id\":\"\(sceneFrame)\",\"id\":\"track/\(track.id)\","
                + "\"lifetime\":{\"sec\":2,\"nsec\":0},\"frame_locked\":false,"
                + "\"metadata\":[{\"key\":\"kind\",\"value\":\"track\"}],"
                + "\"spheres\":[{\"pose\":\(pose(at: track.enu)),\"size\":{\"x\":\(h),\"y\":\(h),\"z\":\(v)},\"color\":\(trackColor.json)}],"
                + "\"arrows\":[\(arrows)],"
                + "\"texts\":[{\"pose\":\(pose(at: track.enu + ENUVector(0, 0, v))),\"billboard\":true,\"font_size\":14,"
                + "\"scale_invariant\":true,\"color\":\(trackColor.json),\"text\":\"\(track.id)\"}]}"
        }
        return Array(("{\"deletions\":[],\"entities\":[" + entities.joined(separator: ",") + "]}").utf8)
    }

    /// A `foxglove.SceneUpdate` of the sensors, in the site's ENU frame: per sensor a cylinder at its
    /// site, its name, and its coverage as a ring at its maximum range (when it has one), in the
    /// horizontal plane at its height. They never expire.
    public static func sensorScene(time t: Timestamp, sensors: [(id: String, kind: String, enu: ENUVector, maximumRange: Double?)]) -> [UInt8] {
        let entities = sensors.map { sensor -> String in
            var lines = ""
            if let range = sensor.maximumRange, range.isFinite, range > 0 {
                let points = (0...72).map { i -> String in
                    let a = Double(i) * 2 * .pi / 72
                    return vector(sensor.enu + ENUVector(range * sin(a), range * cos(a), 0))
                }
                lines = "{\"type\":0,\"pose\":\(pose(at: ENUVector(0, 0, 0))),\"thickness\":2,\"scale_invariant\":true,"
                    + "\"points\":[\(points.joined(separator: ","))],\"color\":\(coverageColor.json),\"colors\":[],\"indices\":[]}"
            }
            var text = JSONObjectWriter()
            text.field("text", sensor.id)
            let name = String(text.json.dropFirst().dropLast())   // "text": "<id>", escaped
            return "{\"timestamp\":\(time(t)),\"frame_id\":\"\(sceneFrame)\",\"id\":\"sensor/\(escaped(sensor.id))\","
                + "\"lifetime\":{\"sec\":0,\"nsec\":0},\"frame_locked\":true,"
                + "\"metadata\":[{\"key\":\"kind\",\"value\":\"\(escaped(sensor.kind))\"}],"
                + "\"cylinders\":[{\"pose\":\(pose(at: sensor.enu)),\"size\":{\"x\":20,\"y\":20,\"z\":30},\"bottom_scale\":1,"
                + "\"top_scale\":0.3,\"color\":\(sensorColor.json)}],"
                + "\"lines\":[\(lines)],"
                + "\"texts\":[{\"pose\":\(pose(at: sensor.enu + ENUVector(0, 0, 40))),\"billboard\":true,\"font_size\":14,"
                + "\"scale_invariant\":true,\"color\":\(sensorColor.json),\(name)}]}"
        }
        return Array(("{\"deletions\":[],\"entities\":[" + entities.joined(separator: ",") + "]}").utf8)
    }

    /// `text` as the inside of a JSON string.
    static func escaped(_ text: String) -> String {
        var w = JSONObjectWriter()
        w.field("s", text)
        let json = w.json   // {"s": "..."} with the writer's spacing
        guard let open = json.firstIndex(of: ":") else { return "" }
        let value = json[json.index(after: open)...].drop { $0 == " " }.dropLast()
        return String(value.dropFirst().dropLast())
    }

    // MARK: Schemas (permissive: Foxglove recognises the message by the schema's name)

    /// foxglove.LocationFixes.
    public static let locationFixesSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"foxglove.LocationFixes",\
    "description":"A group of LocationFix messages","type":"object",\
    "properties":{"fixes":{"type":"array","items":{"type":"object"}}}}
    """

    /// foxglove.SceneUpdate.
    public static let sceneUpdateSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"foxglove.SceneUpdate",\
    "description":"An update to the entities displayed in a 3D scene","type":"object",\
    "properties":{"deletions":{"type":"array","items":{"type":"object"}},"entities":{"type":"array","items":{"type":"object"}}}}
    """
}
