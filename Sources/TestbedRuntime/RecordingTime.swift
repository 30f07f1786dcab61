// A time on a recording's timeline, as `haechi cat --from/--to` take it.
public import TelemetryModel
import Foundation

/// A time on a recording's receive timeline: seconds after its first frame, or an instant.
public enum RecordingTime: Sendable, Hashable {
    case offset(seconds: Double)
    case instant(Timestamp)

    /// `12.5` (seconds after the first frame) or an ISO 8601 UTC time (`2026-12-07T10:00:05Z`,
    /// fractional seconds allowed); `nil` when `text` is neither.
    public init?(_ text: String) {
        // Offsets and instants are held to what nanoseconds in an Int64 can say (years 1678 to 2261).
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            guard seconds < 9.2e9 else { return nil }
            self = .offset(seconds: seconds)
            return
        }
        // The fraction is read here, to the nanosecond (the formatter keeps milliseconds at best), and
        // the rest by the formatter.
        var whole = text, nanoseconds: Int64 = 0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { return nil }
            nanoseconds = value * Int64(pow(10, Double(9 - digits.count)))
            whole = String(text[..<dot]) + String(text[text.index(after: dot)...].dropFirst(digits.count))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: whole), abs(date.timeIntervalSince1970) < 9.2e9 else { return nil }
        self = .instant(Timestamp(nanosecondsSinceEpoch: Int64(date.timeIntervalSince1970) * 1_000_000_000 + nanoseconds))
    }

    /// The instant, given the recording's first receive time.
    func nanoseconds(first: Int64) -> Int64 {
        switch self {
        case .offset(let seconds):
            // Saturating: `first` is a file's receive time.
            first.addingReportingOverflow(Int64((seconds * 1e9).rounded())).overflow ? .max
                : first.addingReportingOverflow(Int64((seconds * 1e9).rounded())).partialValue
        case .instant(let t): t.nanosecondsSinceEpoch
        }
    }
}
