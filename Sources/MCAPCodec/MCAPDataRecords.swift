// The records of the data section: Schema, Channel, Message, Chunk, MessageIndex, Attachment, Metadata.

/// A message schema (opcode 0x03). IDs are unique in a file and never 0.
public struct MCAPSchema: Hashable, Sendable {
    /// The schema's ID; 0 is invalid.
    public var id: UInt16
    /// An identifier for the schema, for example `haechi.Detection`.
    public var name: String
    /// The schema format: `jsonschema`, `protobuf`, `ros2msg`, ..., or `""` for none.
    public var encoding: String
    /// The schema itself, in its `encoding`.
    public var data: [UInt8]

    /// Creates a Schema.
    public init(id: UInt16, name: String, encoding: String, data: [UInt8]) {
        self.id = id
        self.name = name
        self.encoding = encoding
        self.data = data
    }
}

/// A stream of messages on a topic (opcode 0x04).
public struct MCAPChannel: Hashable, Sendable {
    /// The channel's ID, unique in the file.
    public var id: UInt16
    /// The schema of its messages, or 0 for none.
    public var schemaID: UInt16
    /// The topic, for example `/radar/1/detections`.
    public var topic: String
    /// The message encoding: `json`, `protobuf`, `cdr`, ...
    public var messageEncoding: String
    /// Free-form key-value metadata.
    public var metadata: [String: String]

    /// Creates a Channel.
    public init(id: UInt16, schemaID: UInt16, topic: String, messageEncoding: String, metadata: [String: String] = [:]) {
        self.id = id
        self.schemaID = schemaID
        self.topic = topic
        self.messageEncoding = messageEncoding
        self.metadata = metadata
    }
}

/// One timestamped message (opcode 0x05). Its data runs to the end of the record.
public struct MCAPMessage: Hashable, Sendable {
    /// The channel it was published on.
    public var channelID: UInt16
    /// The publisher's (or the recorder's) message counter.
    public var sequence: UInt32
    /// When it was recorded, in nanoseconds since the epoch the file uses.
    public var logTime: UInt64
    /// When it was published (equal to `logTime` when unknown).
    public var publishTime: UInt64
    /// The message bytes, in the channel's encoding.
    public var data: [UInt8]

    /// Creates a Message.
    public init(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64, data: [UInt8]) {
        self.channelID = channelID
        self.sequence = sequence
        self.logTime = logTime
        self.publishTime = publishTime
        self.data = data
    }
}

/// A batch of Schema, Channel and Message records, perhaps compressed (opcode 0x06).
///
/// ``records`` holds the bytes as stored; ``decompressedRecords(validatingCRC:)`` and
/// ``decodeRecords(validatingCRC:)`` open them.
public struct MCAPChunk: Hashable, Sendable {
    /// Earliest `log_time` of its messages (0 when it has none).
    public var messageStartTime: UInt64
    /// Latest `log_time` of its messages (0 when it has none).
    public var messageEndTime: UInt64
    /// The size of the records once decompressed.
    public var uncompressedSize: UInt64
    /// CRC-32 of the decompressed records; 0 means "do not check".
    public var uncompressedCRC: UInt32
    /// `""` (none), `"zstd"` or `"lz4"`.
    public var compression: String
    /// The records as stored (compressed unless `compression` is empty).
    public var records: [UInt8]

    /// Creates a Chunk.
    public init(
        messageStartTime: UInt64, messageEndTime: UInt64, uncompressedSize: UInt64, uncompressedCRC: UInt32,
        compression: String, records: [UInt8]
    ) {
        self.messageStartTime = messageStartTime
        self.messageEndTime = messageEndTime
        self.uncompressedSize = uncompressedSize
        self.uncompressedCRC = uncompressedCRC
        self.compression = compression
        self.records = records
    }
}

/// Where each message of one channel sits in the chunk just before it (opcode 0x07).
public struct MCAPMessageIndex: Hashable, Sendable {
    /// One indexed message: its log time and its offset in the decompressed chunk records.
    public struct Entry: Hashable, Sendable {
        /// The message's `log_time`.
        public var logTime: UInt64
        /// Offset of the Message record from the start of the chunk's decompressed records.
        public var offset: UInt64

        /// Creates an entry.
        public init(logTime: UInt64, offset: UInt64) {
            self.logTime = logTime
            self.offset = offset
        }
    }

    /// The channel whose messages are listed.
    public var channelID: UInt16
    /// One entry per message of the channel in the chunk, in the order they were written.
    public var records: [Entry]

    /// Creates a MessageIndex.
    public init(channelID: UInt16, records: [Entry]) {
        self.channelID = channelID
        self.records = records
    }
}

/// An auxiliary file stored in the data section, outside chunks (opcode 0x09).
public struct MCAPAttachment: Hashable, Sendable {
    /// When it was recorded.
    public var logTime: UInt64
    /// When it was created, or 0.
    public var createTime: UInt64
    /// Its name, for example `range-config.yaml`.
    public var name: String
    /// Its media type, for example `text/yaml`.
    public var mediaType: String
    /// Its contents.
    public var data: [UInt8]
    /// CRC-32 of the record's fields before it, as stored (0 means "do not check"). The writer
    /// computes it; the value set here is ignored on writing.
    public var crc: UInt32

    /// Creates an Attachment.
    public init(logTime: UInt64, createTime: UInt64, name: String, mediaType: String, data: [UInt8], crc: UInt32 = 0) {
        self.logTime = logTime
        self.createTime = createTime
        self.name = name
        self.mediaType = mediaType
        self.data = data
        self.crc = crc
    }
}

/// Named key-value pairs about the recording (opcode 0x0C).
public struct MCAPMetadata: Hashable, Sendable {
    /// The name of the set, for example `session`.
    public var name: String
    /// The pairs.
    public var metadata: [String: String]

    /// Creates a Metadata record.
    public init(name: String, metadata: [String: String]) {
        self.name = name
        self.metadata = metadata
    }
}
