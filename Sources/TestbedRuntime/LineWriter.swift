// Buffered line output to a file, for scenario and track files.
import Foundation
import TestbedConfiguration

/// Buffered line output to a file.
final class LineWriter {
    let handle: FileHandle
    let path: String
    var buffer: [UInt8] = []

    init(path: String, noun: String) throws(RuntimeError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw RuntimeError(code: .io, file: path, message: "cannot create the \(noun)")
        }
        self.handle = handle
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ line: String) throws(RuntimeError) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func write(_ lines: [String]) throws(RuntimeError) {
        for line in lines {
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
        }
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws(RuntimeError) {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw RuntimeError(code: .io, file: path, message: "cannot write: \(RuntimeError.reason(error))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(RuntimeError) {
        try flush()
        try? handle.close()
    }
}
