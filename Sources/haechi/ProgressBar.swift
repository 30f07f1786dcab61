// Progress on standard error for the commands that run longer than a few seconds.
import TestbedRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error, only on a terminal, redrawn at most ten times a second:
/// the command line's ``RunProgress``.
///
///     replay [##########--------------------]  33%  40.0 / 120.0 s  2831 frames
///     track  [######------------------------]  20%  1.2 / 6.1 MB  241 scans
///     evaluate: scoring 12 tracks against 3 truths…
final class ProgressBar: RunProgress {
    let label: String
    let isEnabled: Bool
    /// The amount at 100 % (seconds of recording, bytes of a file), and its unit.
    private var total: Double?
    private var unit = ProgressUnit.seconds
    private var lastDraw = ContinuousClock.now

    /// A bar named `label`; drawn only when `enabled` and standard error is a terminal.
    init(label: String, enabled: Bool) {
        self.label = label
        isEnabled = enabled && isatty(STDERR_FILENO) == 1
    }

    /// `nil` when `quiet`: the runners then report to no one.
    static func unlessQuiet(_ label: String, quiet: Bool) -> ProgressBar? {
        quiet ? nil : ProgressBar(label: label, enabled: true)
    }

    func begin(total: Double?, unit: ProgressUnit) {
        self.total = total
        self.unit = unit
    }

    private func format(_ value: Double) -> String {
        switch unit {
        case .seconds: String(format: "%.1f s", value)
        case .bytes: StatusLine.byteText(UInt64(max(0, value)))
        }
    }

    func update(done: Double, note: String) {
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

    func phase(_ text: String) {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K \(label): \(text)…".utf8))
    }

    /// Printed whether or not standard error is a terminal (it is what the run is, not how far it got).
    func announce(_ line: String) {
        FileHandle.standardError.write(Data(((isEnabled ? "\r\u{1B}[2K" : "") + "haechi \(label): \(line)\n").utf8))
    }

    func finish() {
        if isEnabled { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}

// Used by the one thread that runs the command (the runners call it in turn, never at once).
extension ProgressBar: @unchecked Sendable {}
