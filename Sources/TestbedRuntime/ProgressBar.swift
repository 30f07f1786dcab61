// Progress on standard error for the commands that run longer than a few seconds.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error, only on a terminal, redrawn at most ten times a second.
///
///     replay [##########--------------------]  33%  40.0 / 120.0 s  2831 frames
///     track  [######------------------------]  20%  1.2 / 6.1 MB  241 scans
///     evaluate: scoring 12 tracks against 3 truths…
struct ProgressBar {
    let label: String
    let isEnabled: Bool
    /// The amount at 100 % (seconds of recording, bytes of a file), and how to print an amount.
    let total: Double?
    let format: (Double) -> String
    private var lastDraw = ContinuousClock.now

    init(label: String = "replay", enabled: Bool, total: Double?, format: @escaping (Double) -> String = { String(format: "%.1f s", $0) }) {
        self.label = label
        isEnabled = enabled && isatty(STDERR_FILENO) == 1
        self.total = total
        self.format = format
    }

    /// Redraws with `done` of `total` and a note (`2831 frames`).
    mutating func update(done: Double, note: String) {
        guard isEnabled, ContinuousClock.now - lastDraw >= .milliseconds(100) else { return }
        lastDraw = ContinuousClock.now
        var line = "\r\u{1B}[2K \(label) "
        if let total, total > 0 {
            let fraction = min(1, max(0, done / total))
            let filled = Int(fraction * 30)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled) + "] "
            line += String(format: "%3.0f%%  ", fraction * 100) + "\(format(done)) / \(format(total))"
        } else {
            line += format(done)
        }
        line += "  " + note
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The replay's form: seconds of recording and frames.
    mutating func update(seconds: Double, frames: UInt64) { update(done: seconds, note: "\(frames) frames") }

    /// A step of work without a measure (`scoring 12 tracks against 3 truths`).
    func phase(_ text: String) {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K \(label): \(text)…".utf8))
    }

    func finish() {
        if isEnabled { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    /// 1.2 MB (decimal units).
    static func bytes(_ value: Double) -> String { StatusLine.byteText(UInt64(max(0, value))) }
}
