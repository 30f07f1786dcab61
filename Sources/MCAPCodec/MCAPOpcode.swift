// The record opcodes of the MCAP specification, and the file magic.

/// The opcode byte that starts every MCAP record (specification, "Records").
///
/// Opcodes 0x01–0x7F are reserved for the format and 0x80–0xFF for application extensions; a
/// reader skips records whose opcode it does not know (``MCAPRecord/unknown(opcode:content:)``).
public enum MCAPOpcode: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// ``MCAPHeader``: the first record of a file.
    case header = 0x01
    /// ``MCAPFooter``: the last record of a file.
    case footer = 0x02
    /// ``MCAPSchema``.
    case schema = 0x03
    /// ``MCAPChannel``.
    case channel = 0x04
    /// ``MCAPMessage``.
    case message = 0x05
    /// ``MCAPChunk``.
    case chunk = 0x06
    /// ``MCAPMessageIndex``.
    case messageIndex = 0x07
    /// ``MCAPChunkIndex``.
    case chunkIndex = 0x08
    /// ``MCAPAttachment``.
    case attachment = 0x09
    /// ``MCAPAttachmentIndex``.
    case attachmentIndex = 0x0A
    /// ``MCAPStatistics``.
    case statistics = 0x0B
    /// ``MCAPMetadata``.
    case metadata = 0x0C
    /// ``MCAPMetadataIndex``.
    case metadataIndex = 0x0D
    /// ``MCAPSummaryOffset``.
    case summaryOffset = 0x0E
    /// ``MCAPDataEnd``: the last record of the data section.
    case dataEnd = 0x0F

    /// The record type's name in the specification, for example `MessageIndex`.
    public var description: String {
        switch self {
        case .header: "Header"
        case .footer: "Footer"
        case .schema: "Schema"
        case .channel: "Channel"
        case .message: "Message"
        case .chunk: "Chunk"
        case .messageIndex: "MessageIndex"
        case .chunkIndex: "ChunkIndex"
        case .attachment: "Attachment"
        case .attachmentIndex: "AttachmentIndex"
        case .statistics: "Statistics"
        case .metadata: "Metadata"
        case .metadataIndex: "MetadataIndex"
        case .summaryOffset: "SummaryOffset"
        case .dataEnd: "DataEnd"
        }
    }

    /// A name for any opcode byte, known or not (for error messages).
    static func name(_ raw: UInt8) -> String {
        MCAPOpcode(rawValue: raw)?.description ?? "opcode 0x\(String(raw, radix: 16))"
    }
}

/// The eight bytes that open and close an MCAP file: `0x89 M C A P 0 \r \n` (major version `0`).
public enum MCAPMagic {
    /// The magic bytes.
    public static let bytes: [UInt8] = [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]
    /// The number of magic bytes, 8.
    public static let count = 8

    static func matches(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, offset + count <= buffer.count else { return false }
        for i in 0..<count where buffer[offset + i] != bytes[i] { return false }
        return true
    }
}
