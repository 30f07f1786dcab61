// The `--tracks-out` file: track lines written on the decode thread, a write error kept for the end.
import TestbedConfiguration

/// Track lines to a file (`--tracks-out`), written on the decode thread; a write error is kept for
/// the end of the run.
final class TrackLinesFile: @unchecked Sendable {
    // @unchecked Sendable: written by the decode thread only while the pipeline runs, then closed by
    // the main thread after the pipeline has joined that thread.
    private let writer: LineWriter
    private(set) var error: RuntimeError?
    private(set) var lines: UInt64 = 0

    init(path: String) throws(RuntimeError) { writer = try LineWriter(path: path, noun: "track file") }

    func write(_ line: String) {
        guard error == nil else { return }
        do { try writer.write(line) } catch { self.error = error }
        lines += 1
    }

    func close() throws(RuntimeError) {
        if let error { throw error }
        try writer.close()
    }
}
