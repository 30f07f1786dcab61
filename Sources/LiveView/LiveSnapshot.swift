// The web view's JSON snapshot: one message, the whole picture (docs/web.md).

/// The picture the page draws, sent whole over the WebSocket about twice a second and at `/state.json`.
///
/// Whole rather than changes: a browser that joins late, or misses a message, is right at the next
/// one, and a snapshot of a range's few dozen tracks is a few tens of kilobytes.
struct LiveSnapshot: Encodable, Sendable {
    /// The format's version: a page refuses another.
    var version = 1
    /// `live` or `replay`.
    var mode: String
    var site: Site
    /// Whether `/tiles/{z}/{x}/{y}.png` serves a local tile folder.
    var tiles: Bool
    var sensors: [Sensor] = []
    var tracks: [Mover] = []
    var truth: [Mover] = []
    var sources: [Source] = []
    /// Configured sensors not heard from yet.
    var silent: [String] = []
    /// What the operator must see: `STALE <source> <age> s`, `SILENT <sensor>`, `TRUTH FLAGGED <drones>`.
    var alarms: [String] = []
    var elapsedSeconds: Double = 0
    /// The time ages are measured at (ns since the Unix epoch): the wall clock live, the frame's on replay.
    var now: Int64?
    /// The last tracker step's time and the newest truth fix's time (ns, data time).
    var dataTime: Int64?
    var truthTime: Int64?
    var framesReceived: UInt64 = 0
    var tracksNow: Int?
    var tracksConfirmed: Int?
    var recording: Recording?
    /// Tracks and drones past the view's caps, not drawn.
    var droppedTracks = 0
    var droppedDrones: UInt64 = 0

    struct Site: Encodable, Sendable {
        var name: String
        var lat: Double
        var lon: Double
        var alt: Double
    }

    struct Sensor: Encodable, Sendable, Equatable {
        var id: String
        var kind: String
        var measures: String
        var lat: Double
        var lon: Double
        var alt: Double
        /// The coverage drawn: the sensor's maximum range, when it is known.
        var maxRangeM: Double?

        enum CodingKeys: String, CodingKey { case id, kind, measures, lat, lon, alt, maxRangeM = "max_range_m" }
    }

    /// A track (id: the track number) or a drone (id: the drone id).
    struct Mover: Encodable, Sendable {
        var id: String
        var time: Int64
        var lat: Double
        var lon: Double
        /// Absent when not finite.
        var alt: Double?
        /// The velocity (ENU, m/s); absent when it is not finite or faster than 1,000 m/s.
        var velE: Double?
        var velN: Double?
        var velU: Double?
        /// Horizontal speed (m/s) and heading (degrees from north, clockwise; absent when still or unknown).
        var speed: Double?
        var heading: Double?
        /// One standard deviation of horizontal position (m): the track's, or the fix's stated accuracy.
        var sigmaH: Double?
        var sensor: String?
        var updated: Bool
        /// [latitude, longitude] pairs, oldest first, ending at the position now.
        var history: [[Double]]

        enum CodingKeys: String, CodingKey {
            case id, time, lat, lon, alt, velE = "vel_e", velN = "vel_n", velU = "vel_u", speed, heading, sigmaH = "sigma_h_m", sensor,
                 updated, history
        }
    }

    struct Source: Encodable, Sendable {
        var source: String
        var frames: UInt64
        /// Frames a second since the last health update (absent at the first).
        var rateHz: Double?
        /// Seconds since its last frame.
        var ageSeconds: Double?
        var stale: Bool
        var malformed: UInt64
        var malformedByReason: [String: UInt64]
        /// Sequence gaps, and frames missing by the sequence numbers (MAVLink: the estimate from its time base).
        var gaps: UInt64
        var missing: UInt64

        enum CodingKeys: String, CodingKey {
            case source, frames, rateHz = "rate_hz", ageSeconds = "age_s", stale, malformed, malformedByReason = "malformed_by_reason", gaps,
                 missing
        }
    }

    struct Recording: Encodable, Sendable {
        var path: String
        var bytes: UInt64?
        var freeBytes: UInt64?

        enum CodingKeys: String, CodingKey { case path, bytes, freeBytes = "free_bytes" }
    }

    enum CodingKeys: String, CodingKey {
        case version, mode, site, tiles, sensors, tracks, truth, sources, silent, alarms, elapsedSeconds = "elapsed_s", now,
             dataTime = "data_time", truthTime = "truth_time", framesReceived = "frames_received", tracksNow = "tracks_now",
             tracksConfirmed = "tracks_confirmed", recording, droppedTracks = "dropped_tracks", droppedDrones = "dropped_drones"
    }
}
