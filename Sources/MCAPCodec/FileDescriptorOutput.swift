// An MCAPOutput that writes to a POSIX file descriptor, retrying EINTR and partial writes.
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif
import CLinuxFile

/// Writes an MCAP file through POSIX `write(2)`, without buffering of its own.
///
/// Each ``write(_:)`` loops until every byte is out: `EINTR` is retried and a short write continues
/// where it stopped. Any other failure throws ``MCAPError/Code/outputFailed`` with the `errno` (for
/// example `ENOSPC` when the disk is full) and the file offset. The writer hands over whole records,
/// so what reached the file before a crash is a prefix the reader and ``MCAPRecovery`` understand.
///
/// ``position`` counts from the `startingAt` offset given at creation; the file must be positioned
/// there (a new or truncated file starts at 0).
public final class FileDescriptorOutput: MCAPOutput {
    /// The file descriptor written to.
    public let fileDescriptor: Int32
    /// The file offset of the next byte.
    public private(set) var position: UInt64
    private var ownsDescriptor: Bool
    /// Where the bytes not yet handed to writeback start (``beginWriteback()``).
    private var writebackStart: UInt64

    /// Wraps an open, writable file descriptor. The caller keeps ownership and closes it.
    public init(fileDescriptor: Int32, startingAt position: UInt64 = 0) {
        self.fileDescriptor = fileDescriptor
        self.position = position
        self.writebackStart = position
        self.ownsDescriptor = false
    }

    /// Creates (or truncates) the file at `path` with mode 0644 and owns its descriptor, which
    /// ``close()`` or deinitialisation closes.
    /// - Throws: ``MCAPError/Code/outputFailed`` when `open(2)` fails.
    public init(creatingFileAt path: String) throws(MCAPError) {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            let code = errno
            throw MCAPError(
                code: .outputFailed, message: "cannot create \(path): \(Self.describe(code)) (errno \(code))", errno: code)
        }
        self.fileDescriptor = descriptor
        self.position = 0
        self.writebackStart = 0
        self.ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { _ = systemClose(fileDescriptor) }
    }

    /// Writes all of `bytes`, retrying `EINTR` and continuing after partial writes.
    /// - Throws: ``MCAPError/Code/outputFailed`` with `errno` on any other failure.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = systemWrite(fileDescriptor, next, left)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MCAPError(
                    code: .outputFailed,
                    message: "write of \(left) byte(s) at file offset \(position) to descriptor \(fileDescriptor) failed: "
                        + "\(Self.describe(code)) (errno \(code))",
                    offset: position, errno: code)
            }
            next += n
            left -= n
            position += UInt64(n)
        }
    }

    /// Starts the writeback of the bytes written since the last call (`sync_file_range(2)` with
    /// `SYNC_FILE_RANGE_WRITE`: it queues the dirty pages for the disk and does not wait for them, nor
    /// does it make them durable; ``synchronize()`` still does that). A failure is ignored: it is a
    /// hint, and the final `fsync` reports any error of the writes themselves.
    public func beginWriteback() {
        guard position > writebackStart else { return }
        _ = haechi_start_writeback(fileDescriptor, Int64(writebackStart), Int64(position - writebackStart))
        writebackStart = position
    }

    /// Asks the kernel to put what was written on the disk (`fsync(2)`).
    /// - Throws: ``MCAPError/Code/outputFailed`` with `errno`.
    public func synchronize() throws(MCAPError) {
        while fsync(fileDescriptor) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw MCAPError(
                code: .outputFailed, message: "fsync of descriptor \(fileDescriptor) failed: \(Self.describe(code)) (errno \(code))",
                errno: code)
        }
    }

    /// Closes the descriptor if this output opened it; otherwise does nothing.
    /// - Throws: ``MCAPError/Code/outputFailed`` when `close(2)` reports an error (such as a
    ///   delayed `EIO` or `ENOSPC` on a network file system).
    public func close() throws(MCAPError) {
        guard ownsDescriptor else { return }
        ownsDescriptor = false
        if systemClose(fileDescriptor) != 0 {
            let code = errno
            guard code != EINTR else { return }  // Linux closes the descriptor even then.
            throw MCAPError(
                code: .outputFailed, message: "close of descriptor \(fileDescriptor) failed: \(Self.describe(code)) (errno \(code))",
                errno: code)
        }
    }

    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    Darwin.write(fd, bytes, count)
    #elseif canImport(Musl)
    Musl.write(fd, bytes, count)
    #else
    Glibc.write(fd, bytes, count)
    #endif
}

@inline(__always)
private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
    Darwin.close(fd)
    #elseif canImport(Musl)
    Musl.close(fd)
    #else
    Glibc.close(fd)
    #endif
}
