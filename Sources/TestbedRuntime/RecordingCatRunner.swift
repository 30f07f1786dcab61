// `haechi cat`: a recording's frames as JSON lines, one per frame, in receive order.
import SessionRecording
import TransportSettings
import TelemetryModel
import MCAPCodec
import Foundation
public import TestbedConfiguration

/// Runs `haechi cat`.
public enum RecordingCatRunner {
    /// Calls `line` with each selected frame as one JSON object:
    ///
    ///     {"seq":12,"t_ns":...,"t":"2026-12-07T10:00:05.123456789Z","endpoint":"radars","source":"json/radar-1",
    ///      "kind":"decoded","parts":[{"utf8":"json/radar-1"},{"utf8":"{...}"}]}
    ///
    /// A part that is UTF-8 text without control characters (tab, newline and carriage return
    /// aside) is given as `utf8`, any other as `hex`. A malformed frame also has its `reason`; a frame
    /// stored cut short its `bytes` as received. Returns how many frames were printed.
    @discardableResult
    public static func run(path: String, options: RecordingCatOptions, line: (String) -> Void) throws(RuntimeError) -> UInt64 {
        let session = try RecordingAccess.open(path)
        let names = (try? RecordingAccess.configuration(of: session))?.endpoints.map(\.name) ?? []
        var first: Int64?
        var printed: UInt64 = 0
        do {
            try session.forEachFrame(reasons: true) { frame in
                let t = frame.receiveTime.nanosecondsSinceEpoch
                let start = first ?? t
                first = start
                if let from = options.from, t < from.nanoseconds(first: start) { return true }
                // Not a stop: receive times are stamped per endpoint before sequencing, so a frame in the
                // window may follow one stamped just past it.
                if let to = options.to, t > to.nanoseconds(first: start) { return true }
                if let source = options.source, frame.source != source { return true }
                line(json(frame, endpointName: names.indices.contains(frame.endpointIndex) ? names[frame.endpointIndex] : nil))
                printed += 1
                return true
            }
        } catch {
            throw RuntimeError(code: .io, file: path, message: error.message)
        }
        return printed
    }

    static func json(_ frame: RecordedFrame, endpointName: String?) -> String {
        var w = JSONObjectWriter()
        w.field("seq", frame.receiveSequence)
        w.field("t_ns", frame.receiveTime.nanosecondsSinceEpoch)
        w.field("t", RunProvenance.utc(frame.receiveTime))
        w.field("endpoint_index", frame.endpointIndex)
        if let endpointName { w.field("endpoint", endpointName) }
        w.field("source", frame.source)
        w.field("kind", frame.kind.rawValue)
        if let reason = frame.rejectReason { w.field("reason", reason) }
        if let bytes = frame.payloadBytes { w.field("bytes", bytes) }
        let parts = frame.parts.map { part -> String in
            var p = JSONObjectWriter()
            if let text = printableText(part) { p.field("utf8", text) } else { p.field("hex", hex(part)) }
            return p.json
        }
        w.raw("parts", json: "[" + parts.joined(separator: ",") + "]")
        return w.json
    }

    /// `bytes` as text, when they are valid UTF-8 with no control character but tab, newline and
    /// carriage return.
    static func printableText(_ bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        for scalar in text.unicodeScalars where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" || scalar.value == 0x7F {
            return nil
        }
        return text
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
