// Writes records as JSON v1 text: the inverse of TelemetryJSONDecoder, in cuas-scenario/1's layout.

/// Renders records as JSON v1 objects with the fields and decimals of `cuas-scenario/1` files.
///
/// Times are written as `t` (seconds), `t_ns` and, when an `epoch` is given, `t_rel`. Metres keep 3
/// decimals, degrees 6, latitude and longitude 9, as the Stone Soup peer's generator writes them.
public enum TelemetryJSONWriter {
    static func time(_ w: inout JSONObjectWriter, _ t: Timestamp, epoch: Timestamp?) {
        w.field("t", Double(t.nanosecondsSinceEpoch) / 1e9)
        w.field("t_ns", t.nanosecondsSinceEpoch)
        if let epoch {
            w.field("t_rel", Double(t.nanosecondsSinceEpoch - epoch.nanosecondsSinceEpoch) / 1e9, decimals: 9)
        }
    }

    static func position(_ w: inout JSONObjectWriter, _ p: GeodeticPosition) {
        w.field("lat", p.latitude, decimals: 9)
        w.field("lon", p.longitude, decimals: 9)
        w.field("alt", p.ellipsoidalHeight, decimals: 3)
    }

    static func vector(_ v: ENUVector) -> [Double] { [v.x, v.y, v.z] }

    /// A `status` record.
    public static func json(_ s: SensorStatus, seq: UInt64? = nil, epoch: Timestamp? = nil) -> String {
        var w = JSONObjectWriter()
        w.field("type", "status")
        time(&w, s.time, epoch: epoch)
        w.field("sensor_id", s.sensorID)
        position(&w, s.position)
        w.field("state", s.state.rawValue)
        if let seq { w.field("seq", seq) }
        return w.json
    }

    /// A `scan` record, streamed form (its detections, if any, are not written).
    public static func json(_ s: ScanReport, seq: UInt64? = nil, epoch: Timestamp? = nil) -> String {
        var w = JSONObjectWriter()
        w.field("type", "scan")
        time(&w, s.time, epoch: epoch)
        w.field("sensor_id", s.sensorID)
        w.field("scan_id", s.scanID)
        if let n = s.detectionCount ?? s.detections?.count { w.field("n_detections", n) }
        if let seq { w.field("seq", seq) }
        return w.json
    }

    /// A `detection` record.
    public static func json(_ d: Detection, seq: UInt64? = nil, epoch: Timestamp? = nil) -> String {
        var w = JSONObjectWriter()
        w.field("type", "detection")
        time(&w, d.time, epoch: epoch)
        w.field("sensor_id", d.sensorID)
        w.field("scan_id", d.scanID)
        if let id = d.detectionID { w.field("det_id", id) }
        if let label = d.groundTruthLabel { w.field("drone_id", label) } else { w.null("drone_id") }
        if let r = d.range { w.field("range_m", r, decimals: 3) }
        w.field("azimuth_deg", d.azimuth, decimals: 6)
        if let e = d.elevation { w.field("elevation_deg", e, decimals: 6) }
        if let seq { w.field("seq", seq) }
        return w.json
    }

    /// A `truth` record.
    public static func json(_ f: TruthFix, epoch: Timestamp? = nil) -> String {
        var w = JSONObjectWriter()
        w.field("type", "truth")
        time(&w, f.time, epoch: epoch)
        w.field("drone_id", f.droneID)
        if let enu = f.enu { w.field("enu", vector(enu), decimals: 3) }
        if let v = f.velocityENU { w.field("vel_enu", vector(v), decimals: 3) }
        position(&w, f.position)
        return w.json
    }

    /// A `track` record, in the Stone Soup peer's track-file layout.
    public static func json(_ t: TrackReport, epoch: Timestamp? = nil) -> String {
        var w = JSONObjectWriter()
        w.field("type", "track")
        w.field("track_id", t.trackID)
        time(&w, t.time, epoch: epoch)
        w.field("enu", vector(t.enu), decimals: 3)
        if let v = t.velocity { w.field("vel", vector(v), decimals: 3) }
        if let status = t.status { w.field("status", status) }
        if let sensor = t.sensorID { w.field("sensor_id", sensor) }
        return w.json
    }
}
