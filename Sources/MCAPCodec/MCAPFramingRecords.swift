// The records that frame an MCAP file: Header, Footer and DataEnd.

/// The first record after the leading magic (opcode 0x01).
public struct MCAPHeader: Hashable, Sendable {
    /// The profile the file conforms to (`""`, `ros1`, `ros2` or an `x-` custom name).
    public var profile: String
    /// Free-form name and version of the writing library.
    public var library: String

    /// Creates a Header.
    public init(profile: String, library: String) {
        self.profile = profile
        self.library = library
    }
}

/// The last record before the trailing magic (opcode 0x02); fixed at 20 content bytes.
public struct MCAPFooter: Hashable, Sendable {
    /// Offset of the first summary record, or 0 when there is no summary section.
    public var summaryStart: UInt64
    /// Offset of the first Summary Offset record, or 0 when there are none.
    public var summaryOffsetStart: UInt64
    /// CRC-32 of every byte from the summary start through the Footer's `summary_offset_start`
    /// field (opcode and length included); 0 when not computed.
    public var summaryCRC: UInt32

    /// Creates a Footer.
    public init(summaryStart: UInt64, summaryOffsetStart: UInt64, summaryCRC: UInt32) {
        self.summaryStart = summaryStart
        self.summaryOffsetStart = summaryOffsetStart
        self.summaryCRC = summaryCRC
    }

    /// The size of a whole Footer record: opcode, length and 20 content bytes.
    public static let recordSize = 1 + 8 + 20
}

/// The last record of the data section (opcode 0x0F).
public struct MCAPDataEnd: Hashable, Sendable {
    /// CRC-32 of every byte from the start of the file (leading magic included) up to this record;
    /// 0 when not computed.
    public var dataSectionCRC: UInt32

    /// Creates a DataEnd.
    public init(dataSectionCRC: UInt32) {
        self.dataSectionCRC = dataSectionCRC
    }
}
