// The one error type of the MCAPCodec module.

/// An error from reading, writing or recovering an MCAP file.
///
/// Modelled on NIO's `FileSystemError`: a stable ``code`` to switch on, a ``message`` a person can act
/// on, the file ``offset`` the problem was found at (when there is one) and the `errno` of a failed
/// system call (when there is one). Misuse of the API (adding a message before ``MCAPWriter/start()``,
/// naming a channel that was never added) is a precondition failure, not an `MCAPError`; running out
/// of channel or schema IDs is not misuse (the number of channels may follow the input), so it throws.
public struct MCAPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: Hashable, Sendable {
            case truncated
            case invalidMagic
            case malformedRecord
            case crcMismatch
            case unsupportedCompression
            case decompressionFailed
            case compressionFailed
            case unknownChannel
            case notFinalised
            case limitExceeded
            case idsExhausted
            case outputFailed
            case inputFailed
        }
        fileprivate var wrapped: Wrapped

        /// The bytes end in the middle of a record, or before the Footer.
        public static let truncated = Code(wrapped: .truncated)
        /// The leading or trailing magic bytes are missing or wrong: not an MCAP version 0 file.
        public static let invalidMagic = Code(wrapped: .invalidMagic)
        /// A record's fields overrun its declared length, an opcode is invalid, or a record appears
        /// where the specification does not allow it.
        public static let malformedRecord = Code(wrapped: .malformedRecord)
        /// A stored CRC-32 (chunk, data section, summary or attachment) differs from the computed one.
        public static let crcMismatch = Code(wrapped: .crcMismatch)
        /// A chunk uses a compression other than `""`, `"zstd"` or `"lz4"`.
        public static let unsupportedCompression = Code(wrapped: .unsupportedCompression)
        /// zstd or lz4 rejected a chunk's data, or it did not decompress to its declared size.
        public static let decompressionFailed = Code(wrapped: .decompressionFailed)
        /// zstd or lz4 failed to compress a chunk.
        public static let compressionFailed = Code(wrapped: .compressionFailed)
        /// A Message refers to a channel ID that no earlier Channel record defined.
        public static let unknownChannel = Code(wrapped: .unknownChannel)
        /// The file has no Footer and trailing magic, so it has no summary to read.
        public static let notFinalised = Code(wrapped: .notFinalised)
        /// A record or chunk declares a size above the reader's limit.
        public static let limitExceeded = Code(wrapped: .limitExceeded)
        /// Every channel ID (or schema ID), 1 to 65535, is in use: the file can hold no more.
        public static let idsExhausted = Code(wrapped: .idsExhausted)
        /// Writing to the output failed (`errno` says why, for example `ENOSPC`).
        public static let outputFailed = Code(wrapped: .outputFailed)
        /// Reading the input failed (`errno` says why).
        public static let inputFailed = Code(wrapped: .inputFailed)

        /// A short name of the code.
        public var description: String {
            switch wrapped {
            case .truncated: "truncated"
            case .invalidMagic: "invalid magic"
            case .malformedRecord: "malformed record"
            case .crcMismatch: "CRC mismatch"
            case .unsupportedCompression: "unsupported compression"
            case .decompressionFailed: "decompression failed"
            case .compressionFailed: "compression failed"
            case .unknownChannel: "unknown channel"
            case .notFinalised: "not finalised"
            case .limitExceeded: "limit exceeded"
            case .idsExhausted: "IDs exhausted"
            case .outputFailed: "output failed"
            case .inputFailed: "input failed"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence a person can act on: what was being read or written, where, and what was found.
    public var message: String
    /// The byte offset from the start of the file where the problem was found, when it has one.
    public var offset: UInt64?
    /// The `errno` of the failed system call, when the error came from one.
    public var errno: Int32?

    /// Creates an error.
    public init(code: Code, message: String, offset: UInt64? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.errno = errno
    }

    /// The ``message``.
    public var description: String { message }
}

extension MCAPError {
    static func truncated(_ message: String, at offset: UInt64) -> MCAPError {
        MCAPError(code: .truncated, message: message, offset: offset)
    }

    static func malformed(_ message: String, at offset: UInt64) -> MCAPError {
        MCAPError(code: .malformedRecord, message: message, offset: offset)
    }
}
