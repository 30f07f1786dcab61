// Reads JSON-lines telemetry files (cuas-scenario/1 files, track files) through the live decoder.
import Foundation
import TelemetryModel
import TestbedConfiguration

/// A JSON-lines telemetry file, read whole and decoded line by line with the decoder of live ingest.
struct TelemetryLineReader {
    /// The file.
    let path: String
    private let data: Data

    /// Reads `path`; `noun` names the file in the error ("scenario", "track file").
    init(path: String, noun: String) throws(RuntimeError) {
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RuntimeError(code: .io, file: path, message: "cannot read the \(noun): \(RuntimeError.reason(error))")
        }
        self.path = path
    }

    /// Decodes every line that is not blank, in order, and hands `body` its 1-based line number and
    /// the record or the decoding error; stops early when `body` returns `false`.
    /// The file's size in bytes.
    var byteCount: Int { data.count }

    /// Calls `body` with each non-blank line's decoded record (or why it does not decode), in order;
    /// stops when `body` returns `false`. `progress` hears the bytes read so far every 1024 lines.
    func forEachRecord(progress: ((Int) -> Void)? = nil,
                       _ body: (_ line: Int, _ result: Result<DecodedJSONRecord, TelemetryDecodingError>) -> Bool) {
        let decoder = TelemetryJSONDecoder()
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var start = 0, lineNumber = 0
            let count = bytes.count
            while start < count {
                var end = start
                while end < count, bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                if lineNumber % 1024 == 0 { progress?(end) }
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let result: Result<DecodedJSONRecord, TelemetryDecodingError>
                do throws(TelemetryDecodingError) {
                    result = .success(try decoder.decode(line))
                } catch {
                    result = .failure(error)
                }
                if !body(lineNumber, result) { return }
            }
        }
    }
}
