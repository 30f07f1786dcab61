// The records of the summary section: ChunkIndex, AttachmentIndex, MetadataIndex, Statistics, SummaryOffset.

/// The location and extent of one Chunk and its MessageIndex records (opcode 0x08).
public struct MCAPChunkIndex: Hashable, Sendable {
    /// Earliest `log_time` in the chunk (0 when it has no messages).
    public var messageStartTime: UInt64
    /// Latest `log_time` in the chunk (0 when it has no messages).
    public var messageEndTime: UInt64
    /// File offset of the Chunk record.
    public var chunkStartOffset: UInt64
    /// Length of the Chunk record, opcode and length prefix included.
    public var chunkLength: UInt64
    /// File offset of the MessageIndex record of each channel in the chunk.
    public var messageIndexOffsets: [UInt16: UInt64]
    /// Total length of the MessageIndex records after the chunk.
    public var messageIndexLength: UInt64
    /// The chunk's compression.
    public var compression: String
    /// Size of the chunk's stored `records` field.
    public var compressedSize: UInt64
    /// Size of the chunk's records once decompressed.
    public var uncompressedSize: UInt64

    /// Creates a ChunkIndex.
    public init(
        messageStartTime: UInt64, messageEndTime: UInt64, chunkStartOffset: UInt64, chunkLength: UInt64,
        messageIndexOffsets: [UInt16: UInt64], messageIndexLength: UInt64, compression: String,
        compressedSize: UInt64, uncompressedSize: UInt64
    ) {
        self.messageStartTime = messageStartTime
        self.messageEndTime = messageEndTime
        self.chunkStartOffset = chunkStartOffset
        self.chunkLength = chunkLength
        self.messageIndexOffsets = messageIndexOffsets
        self.messageIndexLength = messageIndexLength
        self.compression = compression
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
    }
}

/// The location of one Attachment record (opcode 0x0A).
public struct MCAPAttachmentIndex: Hashable, Sendable {
    /// File offset of the Attachment record.
    public var offset: UInt64
    /// Length of the Attachment record, opcode and length prefix included.
    public var length: UInt64
    /// The attachment's `log_time`.
    public var logTime: UInt64
    /// The attachment's `create_time`.
    public var createTime: UInt64
    /// Size of the attachment's data.
    public var dataSize: UInt64
    /// The attachment's name.
    public var name: String
    /// The attachment's media type.
    public var mediaType: String

    /// Creates an AttachmentIndex.
    public init(offset: UInt64, length: UInt64, logTime: UInt64, createTime: UInt64, dataSize: UInt64, name: String, mediaType: String) {
        self.offset = offset
        self.length = length
        self.logTime = logTime
        self.createTime = createTime
        self.dataSize = dataSize
        self.name = name
        self.mediaType = mediaType
    }
}

/// The location of one Metadata record (opcode 0x0D).
public struct MCAPMetadataIndex: Hashable, Sendable {
    /// File offset of the Metadata record.
    public var offset: UInt64
    /// Length of the Metadata record, opcode and length prefix included.
    public var length: UInt64
    /// The metadata's name.
    public var name: String

    /// Creates a MetadataIndex.
    public init(offset: UInt64, length: UInt64, name: String) {
        self.offset = offset
        self.length = length
        self.name = name
    }
}

/// Counts and time range of the whole file (opcode 0x0B); at most one per file.
public struct MCAPStatistics: Hashable, Sendable {
    /// Number of Message records.
    public var messageCount: UInt64
    /// Number of distinct schema IDs (0 excluded).
    public var schemaCount: UInt16
    /// Number of distinct channel IDs.
    public var channelCount: UInt32
    /// Number of Attachment records.
    public var attachmentCount: UInt32
    /// Number of Metadata records.
    public var metadataCount: UInt32
    /// Number of Chunk records.
    public var chunkCount: UInt32
    /// Earliest message `log_time` (0 when there are no messages).
    public var messageStartTime: UInt64
    /// Latest message `log_time` (0 when there are no messages).
    public var messageEndTime: UInt64
    /// Messages per channel ID.
    public var channelMessageCounts: [UInt16: UInt64]

    /// Creates a Statistics record.
    public init(
        messageCount: UInt64, schemaCount: UInt16, channelCount: UInt32, attachmentCount: UInt32,
        metadataCount: UInt32, chunkCount: UInt32, messageStartTime: UInt64, messageEndTime: UInt64,
        channelMessageCounts: [UInt16: UInt64]
    ) {
        self.messageCount = messageCount
        self.schemaCount = schemaCount
        self.channelCount = channelCount
        self.attachmentCount = attachmentCount
        self.metadataCount = metadataCount
        self.chunkCount = chunkCount
        self.messageStartTime = messageStartTime
        self.messageEndTime = messageEndTime
        self.channelMessageCounts = channelMessageCounts
    }
}

/// The location of one group of same-opcode records in the summary section (opcode 0x0E).
public struct MCAPSummaryOffset: Hashable, Sendable {
    /// The opcode of every record in the group.
    public var groupOpcode: UInt8
    /// File offset of the group's first record.
    public var groupStart: UInt64
    /// Total length of the group's records.
    public var groupLength: UInt64

    /// Creates a SummaryOffset.
    public init(groupOpcode: UInt8, groupStart: UInt64, groupLength: UInt64) {
        self.groupOpcode = groupOpcode
        self.groupStart = groupStart
        self.groupLength = groupLength
    }
}
