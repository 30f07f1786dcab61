// MCAPSummary: what the summary section of a finalised file says, decoded.

/// The summary section of a finalised file, found through its Footer.
public struct MCAPSummary: Hashable, Sendable {
    /// The Footer that located the summary.
    public var footer: MCAPFooter
    /// Summary copies of the Schema records, by ID.
    public var schemas: [UInt16: MCAPSchema]
    /// Summary copies of the Channel records, by ID.
    public var channels: [UInt16: MCAPChannel]
    /// The Statistics record, if the writer wrote one.
    public var statistics: MCAPStatistics?
    /// One ChunkIndex per chunk, in file order.
    public var chunkIndexes: [MCAPChunkIndex]
    /// One AttachmentIndex per attachment.
    public var attachmentIndexes: [MCAPAttachmentIndex]
    /// One MetadataIndex per Metadata record.
    public var metadataIndexes: [MCAPMetadataIndex]
    /// The Summary Offset records.
    public var summaryOffsets: [MCAPSummaryOffset]

    /// Creates an empty summary for `footer`.
    public init(footer: MCAPFooter) {
        self.footer = footer
        schemas = [:]
        channels = [:]
        statistics = nil
        chunkIndexes = []
        attachmentIndexes = []
        metadataIndexes = []
        summaryOffsets = []
    }
}
