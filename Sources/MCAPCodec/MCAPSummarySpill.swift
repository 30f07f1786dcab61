// MCAPSummarySpill: the summary records a writer collects over a long recording, kept on disk.
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An unnamed scratch file that the writer moves its ChunkIndex records to once they pass
/// ``MCAPWriterOptions/summarySpillThreshold``, and reads back in pieces when it writes the summary.
///
/// One ChunkIndex record per chunk, with 10 bytes per channel in the chunk, is the only part of a
/// writer that grows with the length of the recording: a 1-second chunk of 650 channels is 6.5 KB,
/// 23 MB an hour, and a peer that fills every chunk with a few thousand channels makes it ten times
/// that. With a spill the writer's memory stays flat however long the run.
///
/// The file is created with `mkstemp(3)` in the given folder (beside the recording, on the same
/// disk) and unlinked at once, so it has no name while it is used and the kernel frees it when the
/// descriptor closes, crash or not.
final class MCAPSummarySpill {
    private let descriptor: Int32
    /// Bytes written to the file.
    private(set) var count: UInt64 = 0

    /// Creates the unnamed file in `directory`.
    /// - Throws: ``MCAPError/Code/outputFailed`` with `errno` when it cannot be created.
    init(directory: String) throws(MCAPError) {
        var template = Array("\(directory)/.haechi-summary-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            let code = errno
            throw MCAPError(code: .outputFailed,
                            message: "cannot create the summary's scratch file in \(directory): \(String(cString: strerror(code))) (errno \(code))",
                            errno: code)
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { _ = close(descriptor) }

    /// Appends `bytes` to the file.
    /// - Throws: ``MCAPError/Code/outputFailed`` with `errno` (`ENOSPC` when the disk is full).
    func append(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = pwrite(descriptor, next, left, off_t(count))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw failure("writing \(left) byte(s) to", code)
            }
            next += n
            left -= n
            count += UInt64(n)
        }
    }

    /// Hands the file's bytes to `body` in order, at most `pieceSize` at a time, through `buffer`.
    func forEachPiece(pieceSize: Int, through buffer: MCAPBuffer,
                      _ body: (UnsafeRawBufferPointer) throws(MCAPError) -> Void) throws(MCAPError) {
        var offset: UInt64 = 0
        while offset < count {
            let size = Int(min(UInt64(pieceSize), count - offset))
            buffer.removeAll()
            buffer.reserve(size)
            var read = 0
            while read < size {
                let n = pread(descriptor, buffer.mutableBase + read, size - read, off_t(offset) + off_t(read))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure("reading \(size - read) byte(s) back from", n < 0 ? errno : EIO) }
                read += n
            }
            buffer.advance(by: size)
            try body(buffer.bytes)
            offset += UInt64(size)
        }
    }

    private func failure(_ what: String, _ code: Int32) -> MCAPError {
        MCAPError(code: .outputFailed,
                  message: "\(what) the summary's scratch file failed: \(String(cString: strerror(code))) (errno \(code))", errno: code)
    }
}
