// Chunk compression: the choice a writer makes, and the zstd and lz4 calls behind it.
internal import CLibLZ4
internal import CLibZstd

/// How the writer compresses chunks. The reader handles all three whatever the writer chose.
public enum MCAPCompression: Hashable, Sendable {
    /// Chunks are stored as they are (`compression` is `""`): the fastest to write.
    case none
    /// Zstandard at `level` (1 is fast; 3 is zstd's default; up to 19 or 22 with more memory).
    case zstd(level: Int32)
    /// LZ4 frame format, at its default (fast) level.
    case lz4

    /// The string stored in the Chunk's `compression` field.
    public var name: String {
        switch self {
        case .none: ""
        case .zstd: "zstd"
        case .lz4: "lz4"
        }
    }
}

/// Compresses chunks, reusing one zstd context and one output buffer for the writer's lifetime.
final class MCAPChunkCompressor {
    let compression: MCAPCompression
    private var zstdContext: OpaquePointer?
    let output = MCAPBuffer(capacity: 1 << 16)

    init(_ compression: MCAPCompression) {
        self.compression = compression
        if case .zstd = compression { zstdContext = ZSTD_createCCtx() }
    }

    deinit {
        if let zstdContext { ZSTD_freeCCtx(zstdContext) }
    }

    /// Compresses `input` into ``output`` (replacing what it held) and returns the compressed bytes.
    /// For ``MCAPCompression/none`` it returns `input` itself.
    func compress(_ input: UnsafeRawBufferPointer) throws(MCAPError) -> UnsafeRawBufferPointer {
        output.removeAll()
        switch compression {
        case .none:
            return input
        case .zstd(let level):
            let bound = ZSTD_compressBound(input.count)
            output.reserve(bound)
            let written = ZSTD_compressCCtx(zstdContext, output.base, bound, input.baseAddress, input.count, level)
            if ZSTD_isError(written) != 0 {
                throw MCAPError(code: .compressionFailed, message: "zstd failed to compress a \(input.count)-byte chunk: \(String(cString: ZSTD_getErrorName(written)))")
            }
            output.advance(by: written)
        case .lz4:
            var preferences = LZ4F_preferences_t()
            preferences.frameInfo.contentSize = UInt64(input.count)
            let bound = LZ4F_compressFrameBound(input.count, &preferences)
            output.reserve(bound)
            let written = LZ4F_compressFrame(output.base, bound, input.baseAddress, input.count, &preferences)
            if LZ4F_isError(written) != 0 {
                throw MCAPError(code: .compressionFailed, message: "lz4 failed to compress a \(input.count)-byte chunk: \(String(cString: LZ4F_getErrorName(written)))")
            }
            output.advance(by: written)
        }
        return output.bytes
    }
}

/// Decompresses chunks, reusing one zstd and one lz4 context.
final class MCAPChunkDecompressor {
    private var zstdContext: OpaquePointer?
    private var lz4Context: OpaquePointer?

    init() {}

    deinit {
        if let zstdContext { ZSTD_freeDCtx(zstdContext) }
        if let lz4Context { LZ4F_freeDecompressionContext(lz4Context) }
    }

    /// Decompresses `input` (compressed with `compression`) to exactly `size` bytes.
    /// - Parameter offset: the chunk's file offset, for error messages.
    func decompress(
        _ input: UnsafeRawBufferPointer, compression: String, size: Int, offset: UInt64
    ) throws(MCAPError) -> [UInt8] {
        // A chunk's uncompressed_size is input: no codec expands its input more than this, so a larger
        // claim is refused before anything is allocated for it (a 5 KB file could otherwise ask for
        // gigabytes). zstd: at most one 128 KiB RLE block per 4 bytes; lz4: 255 bytes of match length
        // per byte, plus its 64 KiB window.
        let expansion: (ratio: Int, slack: Int)? = switch compression {
        case "zstd": (32_768, 0)
        case "lz4": (256, 65_536)
        default: nil
        }
        if let expansion, size > input.count * expansion.ratio + expansion.slack {   // input.count < 2^48: no overflow
            throw MCAPError(
                code: .malformedRecord,
                message: "\(compression) chunk at offset \(offset) declares uncompressed_size \(size) from \(input.count) compressed bytes, "
                    + "more than \(compression) can expand to",
                offset: offset)
        }
        switch compression {
        case "":
            guard input.count == size else {
                throw MCAPError(
                    code: .malformedRecord,
                    message: "uncompressed chunk at offset \(offset) holds \(input.count) bytes but declares uncompressed_size \(size)",
                    offset: offset)
            }
            return Array(input)
        case "zstd":
            return try decompressZstd(input, size: size, offset: offset)
        case "lz4":
            return try decompressLZ4(input, size: size, offset: offset)
        default:
            throw MCAPError(
                code: .unsupportedCompression,
                message: "chunk at offset \(offset) uses compression \"\(compression)\"; only \"\", \"zstd\" and \"lz4\" are supported",
                offset: offset)
        }
    }

    private func failure(_ what: String, _ detail: String, offset: UInt64) -> MCAPError {
        MCAPError(code: .decompressionFailed, message: "\(what) chunk at offset \(offset): \(detail)", offset: offset)
    }

    private func decompressZstd(_ input: UnsafeRawBufferPointer, size: Int, offset: UInt64) throws(MCAPError) -> [UInt8] {
        if zstdContext == nil { zstdContext = ZSTD_createDCtx() }
        var produced = 0
        var error: String?
        // One spare byte lets a frame that is longer than declared show itself.
        let result = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
            let written = ZSTD_decompressDCtx(zstdContext, buffer.baseAddress, size + 1, input.baseAddress, input.count)
            if ZSTD_isError(written) != 0 {
                error = String(cString: ZSTD_getErrorName(written))
                initialized = 0
            } else {
                produced = written
                initialized = min(written, size)
            }
        }
        if let error { throw failure("zstd", error, offset: offset) }
        guard produced == size else {
            throw failure("zstd", "decompressed to \(produced) bytes, uncompressed_size says \(size)", offset: offset)
        }
        return result
    }

    private func decompressLZ4(_ input: UnsafeRawBufferPointer, size: Int, offset: UInt64) throws(MCAPError) -> [UInt8] {
        if lz4Context == nil {
            var context: OpaquePointer?
            let status = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
            guard LZ4F_isError(status) == 0, let context else {
                throw failure("lz4", "cannot create a decompression context", offset: offset)
            }
            lz4Context = context
        }
        var error: String?
        var produced = 0
        let result = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
            var inPosition = 0
            // Frames may be concatenated; LZ4F_decompress returns 0 at the end of each one.
            while inPosition < input.count {
                var outSize = size + 1 - produced
                var inSize = input.count - inPosition
                let hint = LZ4F_decompress(
                    lz4Context, buffer.baseAddress! + produced, &outSize, input.baseAddress! + inPosition, &inSize, nil)
                if LZ4F_isError(hint) != 0 {
                    error = String(cString: LZ4F_getErrorName(hint))
                    LZ4F_resetDecompressionContext(lz4Context)
                    break
                }
                produced += outSize
                inPosition += inSize
                if hint != 0 && inSize == 0 && outSize == 0 {
                    error = "the frame ends early (lz4 wants \(hint) more bytes)"
                    LZ4F_resetDecompressionContext(lz4Context)
                    break
                }
                if hint != 0 && inPosition >= input.count {
                    error = "the frame ends early (lz4 wants \(hint) more bytes)"
                    LZ4F_resetDecompressionContext(lz4Context)
                    break
                }
                if produced > size { break }
            }
            initialized = min(produced, size)
        }
        if let error { throw failure("lz4", error, offset: offset) }
        guard produced == size else {
            throw failure("lz4", "decompressed to \(produced) bytes, uncompressed_size says \(size)", offset: offset)
        }
        return result
    }
}
