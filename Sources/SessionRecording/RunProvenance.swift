// What a recording says about the run that made it (the `haechi.run` metadata).
public import TelemetryModel
import Foundation

/// The run's identity and provenance, written as the `haechi.run` metadata record.
public struct RunProvenance: Sendable, Hashable {
    /// The run's id (also the recording's file name).
    public var runID: String
    /// The config file's path and full text.
    public var configFile: String
    public var configText: String
    /// The tracker config file's text, when the config names one.
    public var trackerText: String?
    /// Haechi's version and the source commit it was built from ("unknown" when not known).
    public var version: String
    public var commit: String
    /// The site.
    public var siteName: String
    public var siteOrigin: GeodeticPosition
    /// When recording started (wall clock).
    public var started: Timestamp

    /// Creates the provenance.
    public init(runID: String, configFile: String, configText: String, trackerText: String? = nil, version: String, commit: String,
                siteName: String, siteOrigin: GeodeticPosition, started: Timestamp) {
        self.runID = runID
        self.configFile = configFile
        self.configText = configText
        self.trackerText = trackerText
        self.version = version
        self.commit = commit
        self.siteName = siteName
        self.siteOrigin = siteOrigin
        self.started = started
    }

    /// The metadata record's map.
    public var metadata: [String: String] {
        var out = [
            "run_id": runID, "config_file": configFile, "config": configText, "software": "haechi", "version": version,
            "commit": commit, "site_name": siteName,
            "site_origin": "{\"lat\":\(siteOrigin.latitude),\"lon\":\(siteOrigin.longitude),\"alt\":\(siteOrigin.ellipsoidalHeight)}",
            "started_ns": "\(started.nanosecondsSinceEpoch)", "started_utc": Self.utc(started),
        ]
        if let trackerText { out["tracker_config"] = trackerText }
        return out
    }

    /// The provenance in a `haechi.run` metadata map, or `nil` when fields are missing.
    public init?(metadata: [String: String]) {
        guard let runID = metadata["run_id"], let config = metadata["config"], let started = metadata["started_ns"].flatMap(Int64.init)
        else { return nil }
        var origin = GeodeticPosition(latitude: 0, longitude: 0, ellipsoidalHeight: 0)
        if let data = metadata["site_origin"]?.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Double],
           let lat = object["lat"], let lon = object["lon"], let h = object["alt"] ?? object["h"] {
            origin = GeodeticPosition(latitude: lat, longitude: lon, ellipsoidalHeight: h)
        }
        self.init(runID: runID, configFile: metadata["config_file"] ?? "", configText: config, trackerText: metadata["tracker_config"],
                  version: metadata["version"] ?? "",
                  commit: metadata["commit"] ?? "unknown", siteName: metadata["site_name"] ?? "", siteOrigin: origin,
                  started: Timestamp(nanosecondsSinceEpoch: started))
    }

    /// ISO 8601 UTC with nanoseconds.
    public static func utc(_ t: Timestamp) -> String {
        let seconds = Double(t.nanosecondsSinceEpoch / 1_000_000_000)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let base = formatter.string(from: Date(timeIntervalSince1970: seconds)).replacingOccurrences(of: "Z", with: "")
        let nanos = t.nanosecondsSinceEpoch % 1_000_000_000
        return base + "." + String(String(nanos + 1_000_000_000).dropFirst()) + "Z"
    }
}
