// The live one-line status on a terminal: what an operator needs at a glance during a trial.
import TelemetryModel
import TelemetryIngest
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Redraws one status line on standard error, about once a second, when standard error is a terminal.
///
///     haechi ingest 42s | 12034 frames, 3 bad | tracks 3 (7 confirmed) | rec 8.1 MB, 41.2 GB free | STALE json/rf-1 12s | SILENT radar-2 | json/radar-0 20/s mavlink/drone-1 5/s …
///
/// Alarms come before the rates, so that a narrow terminal cuts the rates, not the alarms. A source
/// is stale by ``SourceStatistics/staleAge(at:)``; a configured sensor is silent when
/// no source has named it yet. The line never exceeds the terminal's width (asked again each time,
/// so a resize is followed), so it never wraps and scrolls.
struct StatusLine {
    /// What the line shows besides the ingest counters.
    struct Extras {
        var tracksNow: Int?
        var tracksConfirmed: Int?
        var recordingPath: String?
        /// The recording's size and the free space beside it (read by the run loop, not here).
        var recordingBytes: UInt64?
        var freeBytes: UInt64?
        /// The configured sensors; one none of whose sources has spoken is silent.
        var expectedSensors: [ExpectedSensor] = []
    }

    private var previous: IngestStatistics?
    private var previousTime: Timestamp?
    let isEnabled: Bool

    init(enabled: Bool) {
        isEnabled = enabled && isatty(STDERR_FILENO) == 1
    }

    /// The terminal's width now (100 when it cannot be asked).
    private static func width() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 20 ? Int(size.ws_col) : 100
    }

    /// Draws the line for `statistics` taken at `now`.
    mutating func update(_ statistics: IngestStatistics, now: Timestamp, elapsed: Double, extras: Extras) {
        guard isEnabled else { return }
        defer { previous = statistics; previousTime = now }
        guard let previous, let previousTime else { return }
        let line = Self.text(statistics, previous: previous, now: now, previousTime: previousTime, elapsed: elapsed,
                             extras: extras, width: Self.width())
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// The line, at most `width − 1` characters.
    static func text(_ statistics: IngestStatistics, previous: IngestStatistics, now: Timestamp, previousTime: Timestamp,
                     elapsed: Double, extras: Extras, width: Int) -> String {
        let seconds = max(Double(now.nanosecondsSinceEpoch - previousTime.nanosecondsSinceEpoch) / 1e9, 1e-3)
        let totals = statistics.totals
        var fields = ["haechi ingest \(Int(elapsed))s", "\(totals.framesReceived) frames, \(totals.framesMalformed) bad"]
        if let now = extras.tracksNow { fields.append("tracks \(now)" + (extras.tracksConfirmed.map { " (\($0) confirmed)" } ?? "")) }
        if extras.recordingPath != nil {
            var rec = "rec " + byteText(extras.recordingBytes ?? 0)
            if let free = extras.freeBytes { rec += ", \(byteText(free)) free" }
            fields.append(rec)
        }
        let stale = statistics.sources.keys.sorted().compactMap { key in
            statistics.sources[key]?.staleAge(at: now).map { "\(key) \(Int($0))s" }
        }
        if !stale.isEmpty { fields.append("STALE " + stale.joined(separator: ", ")) }
        let silent = ExpectedSensor.silent(extras.expectedSensors, in: statistics)
        if !silent.isEmpty { fields.append("SILENT " + silent.joined(separator: ", ")) }
        var rates: [String] = []
        for key in statistics.sources.keys.sorted() {
            let count = statistics.sources[key]?.framesReceived ?? 0
            let before = previous.sources[key]?.framesReceived ?? 0
            rates.append("\(key) \(Int((Double(count &- before) / seconds).rounded()))/s")
        }
        if !rates.isEmpty { fields.append(rates.joined(separator: " ")) }
        var line = fields.joined(separator: " | ")
        if line.count > width - 1 { line = String(line.prefix(max(1, width - 2))) + "…" }
        return line
    }

    /// 8.1 MB, 41.2 GB (decimal units, as disks are sold).
    static func byteText(_ bytes: UInt64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// Clears the line before other output.
    func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
