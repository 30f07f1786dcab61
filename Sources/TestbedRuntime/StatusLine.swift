// The live one-line status on a terminal: frames per second per source.
import TelemetryModel
import TelemetryIngest
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Redraws one status line on standard error, about once a second, when standard error is a terminal.
struct StatusLine {
    private var previous: IngestStatistics?
    private var previousTime: Timestamp?
    private let width: Int
    let isEnabled: Bool

    init(enabled: Bool) {
        isEnabled = enabled && isatty(STDERR_FILENO) == 1
        var size = winsize()
        width = ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 20 ? Int(size.ws_col) : 100
    }

    /// Draws the line for `statistics` taken at `now`.
    mutating func update(_ statistics: IngestStatistics, now: Timestamp, elapsed: Double) {
        guard isEnabled else { return }
        defer { previous = statistics; previousTime = now }
        guard let previous, let previousTime else { return }
        let seconds = max(Double(now.nanosecondsSinceEpoch - previousTime.nanosecondsSinceEpoch) / 1e9, 1e-3)
        let totals = statistics.totals
        var line = "haechi ingest \(Int(elapsed))s  \(totals.framesReceived) frames, \(totals.framesMalformed) malformed |"
        for key in statistics.sources.keys.sorted() {
            let now = statistics.sources[key]?.framesReceived ?? 0
            let before = previous.sources[key]?.framesReceived ?? 0
            line += " \(key) \(Int((Double(now - before) / seconds).rounded()))/s"
        }
        if line.count > width - 1 { line = String(line.prefix(width - 2)) + "…" }
        write(text: "\r\u{1B}[K" + line)
    }

    /// Clears the line before other output.
    func finish() {
        guard isEnabled else { return }
        write(text: "\r\u{1B}[K")
    }

    private func write(text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
