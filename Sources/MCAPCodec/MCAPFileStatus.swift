// MCAPFileStatus: a quick look at the head and tail of a file to tell whether it was finalised.
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Whether a file is a finalised MCAP file, judged from its first 8 and last 37 bytes only.
///
/// A finalised file starts with the magic and ends with a Footer record (opcode 0x02, 20 content
/// bytes) followed by the magic. A recording cut short by a crash starts with the magic (or a part
/// of it) but does not end that way: read it with a lenient ``MCAPReader`` or rebuild it with
/// ``MCAPRecovery``.
public enum MCAPFileStatus: Hashable, Sendable {
    /// The file ends with a Footer and the magic.
    case finalised(MCAPFooter)
    /// The file starts like MCAP (the magic, or a prefix of it if it is shorter) but lacks the
    /// closing Footer and magic.
    case unfinalised
    /// The file does not start with the MCAP magic.
    case notMCAP

    /// Whether the file is ``finalised(_:)``.
    public var isFinalised: Bool {
        if case .finalised = self { return true }
        return false
    }

    /// Checks a whole file's bytes.
    public static func check(_ bytes: [UInt8]) -> MCAPFileStatus {
        bytes.withUnsafeBytes { check($0) }
    }

    /// Checks a whole file's bytes.
    public static func check(_ bytes: UnsafeRawBufferPointer) -> MCAPFileStatus {
        let tailCount = min(bytes.count, MCAPFooter.recordSize + MCAPMagic.count)
        return check(
            head: UnsafeRawBufferPointer(rebasing: bytes.prefix(MCAPMagic.count)),
            tail: UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - tailCount)...]),
            fileSize: UInt64(bytes.count))
    }

    /// Checks an open file by reading (with `pread(2)`) only its first 8 and last 37 bytes.
    /// - Throws: ``MCAPError/Code/inputFailed`` when `fstat` or `pread` fails.
    public static func check(fileDescriptor: Int32) throws(MCAPError) -> MCAPFileStatus {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else {
            let code = errno
            throw MCAPError(
                code: .inputFailed, message: "fstat of descriptor \(fileDescriptor) failed: \(FileDescriptorOutput.describe(code)) (errno \(code))",
                errno: code)
        }
        let size = UInt64(info.st_size)
        let tailCount = Int(min(size, UInt64(MCAPFooter.recordSize + MCAPMagic.count)))
        let head = try readExactly(fileDescriptor, count: Int(min(size, UInt64(MCAPMagic.count))), at: 0)
        let tail = try readExactly(fileDescriptor, count: tailCount, at: size - UInt64(tailCount))
        return head.withUnsafeBytes { h in tail.withUnsafeBytes { t in check(head: h, tail: t, fileSize: size) } }
    }

    private static func readExactly(_ fd: Int32, count: Int, at offset: UInt64) throws(MCAPError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = result.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MCAPError(
                    code: .inputFailed,
                    message: "pread of \(count - done) byte(s) at offset \(offset + UInt64(done)) failed: "
                        + "\(FileDescriptorOutput.describe(code)) (errno \(code))",
                    offset: offset + UInt64(done), errno: code)
            }
            if n == 0 { break }  // the file shrank meanwhile
            done += n
        }
        return Array(result.prefix(done))
    }

    /// `head`: the file's first bytes (up to 8); `tail`: its last bytes (up to 37).
    static func check(head: UnsafeRawBufferPointer, tail: UnsafeRawBufferPointer, fileSize: UInt64) -> MCAPFileStatus {
        guard head.elementsEqual(MCAPMagic.bytes.prefix(head.count)) else { return .notMCAP }
        let minimum = MCAPMagic.count + MCAPFooter.recordSize + MCAPMagic.count
        guard fileSize >= UInt64(minimum), head.count == MCAPMagic.count, tail.count == MCAPFooter.recordSize + MCAPMagic.count
        else { return .unfinalised }
        guard MCAPMagic.matches(tail, at: MCAPFooter.recordSize),
              tail[0] == MCAPOpcode.footer.rawValue,
              UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: 1, as: UInt64.self)) == 20
        else { return .unfinalised }
        return .finalised(MCAPFooter(
            summaryStart: UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: 9, as: UInt64.self)),
            summaryOffsetStart: UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: 17, as: UInt64.self)),
            summaryCRC: UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: 25, as: UInt32.self))))
    }
}
