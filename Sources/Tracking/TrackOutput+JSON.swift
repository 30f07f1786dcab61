// Confirmed tracks as JSON: the track-file lines of the Stone Soup peer's format, and `json/tracks`.
public import TelemetryModel
import TrackingMath

extension TrackOutput {
    /// The track as one `track` record, the line format `metrics_stonesoup.py` scores:
    /// `{"type": "track", "track_id", "t", "t_ns", "t_rel" (with an epoch), "enu", "vel", "status",
    /// "sensor_id", "det_id" (when updated), "mode_probabilities" (an IMM's: constant velocity, left
    /// turn, right turn)}`. Metres and m/s keep 3 decimals, probabilities 4. Deterministic: the same
    /// track gives the same bytes.
    public func json(epoch: Timestamp?) -> String {
        var w = JSONObjectWriter()
        w.field("type", "track")
        w.field("track_id", trackID)
        w.field("t", Double(time.nanosecondsSinceEpoch) / 1e9)
        w.field("t_ns", time.nanosecondsSinceEpoch)
        if let epoch { w.field("t_rel", time.seconds(since: epoch), decimals: 9) }
        let mean = state.mean
        w.field("enu", [mean[0], mean[1], mean[2]], decimals: 3)
        w.field("vel", [mean[3], mean[4], mean[5]], decimals: 3)
        w.field("status", updated ? "updated" : "coasted")
        w.field("sensor_id", sensorID)
        if let detectionID { w.field("det_id", detectionID) }
        if modeCount > 1 { w.field("mode_probabilities", (0..<modeCount).map { modeProbabilities[$0] }, decimals: 4) }
        return w.json
    }
}
