// The settings of an MCAPWriter.

/// How an ``MCAPWriter`` lays out its file.
public struct MCAPWriterOptions: Hashable, Sendable {
    /// The library string written when none is given.
    public static let defaultLibrary = "haechi-mcapcodec/1"

    /// The Header's profile: `""` for none, or an `x-` custom profile name.
    public var profile: String
    /// The Header's library string.
    public var library: String
    /// Uncompressed bytes at which the open chunk is closed (1 MiB by default). In unchunked mode,
    /// the number of buffered bytes at which they are written out.
    public var chunkSize: Int
    /// How chunks are compressed (``MCAPCompression/none`` by default: the recorder's priority is
    /// throughput and crash safety; choose zstd when disk space matters more).
    public var compression: MCAPCompression
    /// `true` (the default) to put messages in indexed chunks; `false` to write bare Schema, Channel
    /// and Message records into the data section, unindexed.
    public var useChunks: Bool
    /// Whether to compute each chunk's `uncompressed_crc` (otherwise 0, "not checked").
    public var computeChunkCRC: Bool
    /// Whether to compute the DataEnd's `data_section_crc` (otherwise 0, "not available").
    public var computeDataSectionCRC: Bool
    /// `true` to write on a thread of the writer's own (``MCAPWriter/chunksWritten`` then tells
    /// what has reached the output); `false` (the default) to write in the calling thread, so that
    /// the output holds every closed chunk when ``MCAPWriter/closeChunk()`` returns.
    public var writeBehind: Bool
    /// A folder (on the recording's disk) where the ChunkIndex records go once they pass
    /// ``summarySpillThreshold`` bytes, so that memory stays flat however long the file
    /// (``MCAPSummarySpill``); `nil` (the default) keeps them in memory until ``MCAPWriter/finish()``.
    public var summarySpillDirectory: String?
    /// Bytes of ChunkIndex records kept in memory before they go to ``summarySpillDirectory`` (1 MiB).
    public var summarySpillThreshold: Int

    /// Creates options; every argument has the default described on its property.
    public init(
        profile: String = "",
        library: String = MCAPWriterOptions.defaultLibrary,
        chunkSize: Int = 1 << 20,
        compression: MCAPCompression = .none,
        useChunks: Bool = true,
        computeChunkCRC: Bool = true,
        computeDataSectionCRC: Bool = true,
        writeBehind: Bool = false,
        summarySpillDirectory: String? = nil,
        summarySpillThreshold: Int = 1 << 20
    ) {
        precondition(chunkSize >= 0, "chunkSize must not be negative")
        self.profile = profile
        self.library = library
        self.chunkSize = chunkSize
        self.compression = compression
        self.useChunks = useChunks
        self.computeChunkCRC = computeChunkCRC
        self.computeDataSectionCRC = computeDataSectionCRC
        self.writeBehind = writeBehind
        self.summarySpillDirectory = summarySpillDirectory
        self.summarySpillThreshold = max(summarySpillThreshold, 0)
    }
}
