// Any one MCAP record, with its encoding to and decoding from bytes.

/// One MCAP record of any type, as the reader yields it.
public enum MCAPRecord: Hashable, Sendable {
    /// A Header (0x01).
    case header(MCAPHeader)
    /// A Footer (0x02).
    case footer(MCAPFooter)
    /// A Schema (0x03).
    case schema(MCAPSchema)
    /// A Channel (0x04).
    case channel(MCAPChannel)
    /// A Message (0x05).
    case message(MCAPMessage)
    /// A Chunk (0x06).
    case chunk(MCAPChunk)
    /// A MessageIndex (0x07).
    case messageIndex(MCAPMessageIndex)
    /// A ChunkIndex (0x08).
    case chunkIndex(MCAPChunkIndex)
    /// An Attachment (0x09).
    case attachment(MCAPAttachment)
    /// An AttachmentIndex (0x0A).
    case attachmentIndex(MCAPAttachmentIndex)
    /// A Statistics record (0x0B).
    case statistics(MCAPStatistics)
    /// A Metadata record (0x0C).
    case metadata(MCAPMetadata)
    /// A MetadataIndex (0x0D).
    case metadataIndex(MCAPMetadataIndex)
    /// A SummaryOffset (0x0E).
    case summaryOffset(MCAPSummaryOffset)
    /// A DataEnd (0x0F).
    case dataEnd(MCAPDataEnd)
    /// A record whose opcode this codec does not know, kept as its raw content.
    case unknown(opcode: UInt8, content: [UInt8])

    /// The record's opcode byte.
    public var opcode: UInt8 {
        switch self {
        case .header: MCAPOpcode.header.rawValue
        case .footer: MCAPOpcode.footer.rawValue
        case .schema: MCAPOpcode.schema.rawValue
        case .channel: MCAPOpcode.channel.rawValue
        case .message: MCAPOpcode.message.rawValue
        case .chunk: MCAPOpcode.chunk.rawValue
        case .messageIndex: MCAPOpcode.messageIndex.rawValue
        case .chunkIndex: MCAPOpcode.chunkIndex.rawValue
        case .attachment: MCAPOpcode.attachment.rawValue
        case .attachmentIndex: MCAPOpcode.attachmentIndex.rawValue
        case .statistics: MCAPOpcode.statistics.rawValue
        case .metadata: MCAPOpcode.metadata.rawValue
        case .metadataIndex: MCAPOpcode.metadataIndex.rawValue
        case .summaryOffset: MCAPOpcode.summaryOffset.rawValue
        case .dataEnd: MCAPOpcode.dataEnd.rawValue
        case .unknown(let opcode, _): opcode
        }
    }

    /// The whole record as it is stored: opcode, `uint64` content length, content.
    ///
    /// An Attachment's CRC is computed here; the ``MCAPAttachment/crc`` it carries is ignored.
    public func serialized() -> [UInt8] {
        let buffer = MCAPBuffer(capacity: 256)
        buffer.append(self)
        return buffer.toArray()
    }

    /// Decodes the record whose content is `content` (the bytes after the opcode and length).
    ///
    /// Fields beyond the ones this codec knows are ignored, as the specification asks.
    /// - Parameter fileOffset: where the record starts, for error messages.
    /// - Throws: ``MCAPError/Code/malformedRecord`` when a field overruns the content.
    public static func decode(opcode: UInt8, content: UnsafeRawBufferPointer, fileOffset: UInt64) throws(MCAPError) -> MCAPRecord {
        try decode(opcode: opcode, content: content, fileOffset: fileOffset, location: "at offset \(fileOffset)")
    }

    /// Decodes a record; `location` says where it is ("at offset 120", "at offset 40 of the chunk at offset 96").
    static func decode(opcode: UInt8, content: UnsafeRawBufferPointer, fileOffset: UInt64, location: String) throws(MCAPError) -> MCAPRecord {
        guard let known = MCAPOpcode(rawValue: opcode) else {
            if opcode == 0 { throw .malformed("invalid opcode 0x00 \(location)", at: fileOffset) }
            return .unknown(opcode: opcode, content: Array(content))
        }
        var r = MCAPByteReader(content, fileOffset: fileOffset, what: "\(known) record \(location)")
        switch known {
        case .header:
            return .header(MCAPHeader(profile: try r.readString("profile"), library: try r.readString("library")))
        case .footer:
            return .footer(MCAPFooter(
                summaryStart: try r.read(UInt64.self, "summary_start"),
                summaryOffsetStart: try r.read(UInt64.self, "summary_offset_start"),
                summaryCRC: try r.read(UInt32.self, "summary_crc")))
        case .schema:
            return .schema(MCAPSchema(
                id: try r.read(UInt16.self, "id"), name: try r.readString("name"),
                encoding: try r.readString("encoding"), data: try r.readPrefixed32("data")))
        case .channel:
            return .channel(MCAPChannel(
                id: try r.read(UInt16.self, "id"), schemaID: try r.read(UInt16.self, "schema_id"),
                topic: try r.readString("topic"), messageEncoding: try r.readString("message_encoding"),
                metadata: try r.readStringMap("metadata")))
        case .message:
            return .message(MCAPMessage(
                channelID: try r.read(UInt16.self, "channel_id"), sequence: try r.read(UInt32.self, "sequence"),
                logTime: try r.read(UInt64.self, "log_time"), publishTime: try r.read(UInt64.self, "publish_time"),
                data: Array(r.readRest())))
        case .chunk:
            return .chunk(MCAPChunk(
                messageStartTime: try r.read(UInt64.self, "message_start_time"),
                messageEndTime: try r.read(UInt64.self, "message_end_time"),
                uncompressedSize: try r.read(UInt64.self, "uncompressed_size"),
                uncompressedCRC: try r.read(UInt32.self, "uncompressed_crc"),
                compression: try r.readString("compression"),
                records: try r.readPrefixed64("records")))
        case .messageIndex:
            let channelID = try r.read(UInt16.self, "channel_id")
            var entries: [MCAPMessageIndex.Entry] = []
            try r.readRegion("records") { (inner: inout MCAPByteReader) throws(MCAPError) in
                entries.append(MCAPMessageIndex.Entry(
                    logTime: try inner.read(UInt64.self, "records log_time"),
                    offset: try inner.read(UInt64.self, "records offset")))
            }
            return .messageIndex(MCAPMessageIndex(channelID: channelID, records: entries))
        case .chunkIndex:
            return .chunkIndex(MCAPChunkIndex(
                messageStartTime: try r.read(UInt64.self, "message_start_time"),
                messageEndTime: try r.read(UInt64.self, "message_end_time"),
                chunkStartOffset: try r.read(UInt64.self, "chunk_start_offset"),
                chunkLength: try r.read(UInt64.self, "chunk_length"),
                messageIndexOffsets: try r.readIDMap("message_index_offsets"),
                messageIndexLength: try r.read(UInt64.self, "message_index_length"),
                compression: try r.readString("compression"),
                compressedSize: try r.read(UInt64.self, "compressed_size"),
                uncompressedSize: try r.read(UInt64.self, "uncompressed_size")))
        case .attachment:
            let logTime = try r.read(UInt64.self, "log_time")
            let createTime = try r.read(UInt64.self, "create_time")
            let name = try r.readString("name")
            let mediaType = try r.readString("media_type")
            let data = try r.readPrefixed64("data")
            let crc = try r.read(UInt32.self, "crc")
            return .attachment(MCAPAttachment(
                logTime: logTime, createTime: createTime, name: name, mediaType: mediaType, data: data, crc: crc))
        case .attachmentIndex:
            return .attachmentIndex(MCAPAttachmentIndex(
                offset: try r.read(UInt64.self, "offset"), length: try r.read(UInt64.self, "length"),
                logTime: try r.read(UInt64.self, "log_time"), createTime: try r.read(UInt64.self, "create_time"),
                dataSize: try r.read(UInt64.self, "data_size"), name: try r.readString("name"),
                mediaType: try r.readString("media_type")))
        case .statistics:
            return .statistics(MCAPStatistics(
                messageCount: try r.read(UInt64.self, "message_count"),
                schemaCount: try r.read(UInt16.self, "schema_count"),
                channelCount: try r.read(UInt32.self, "channel_count"),
                attachmentCount: try r.read(UInt32.self, "attachment_count"),
                metadataCount: try r.read(UInt32.self, "metadata_count"),
                chunkCount: try r.read(UInt32.self, "chunk_count"),
                messageStartTime: try r.read(UInt64.self, "message_start_time"),
                messageEndTime: try r.read(UInt64.self, "message_end_time"),
                channelMessageCounts: try r.readIDMap("channel_message_counts")))
        case .metadata:
            return .metadata(MCAPMetadata(name: try r.readString("name"), metadata: try r.readStringMap("metadata")))
        case .metadataIndex:
            return .metadataIndex(MCAPMetadataIndex(
                offset: try r.read(UInt64.self, "offset"), length: try r.read(UInt64.self, "length"),
                name: try r.readString("name")))
        case .summaryOffset:
            return .summaryOffset(MCAPSummaryOffset(
                groupOpcode: try r.read(UInt8.self, "group_opcode"),
                groupStart: try r.read(UInt64.self, "group_start"),
                groupLength: try r.read(UInt64.self, "group_length")))
        case .dataEnd:
            return .dataEnd(MCAPDataEnd(dataSectionCRC: try r.read(UInt32.self, "data_section_crc")))
        }
    }
}

// MARK: - Encoding

extension MCAPBuffer {
    /// Appends a whole record: opcode, length and content.
    func append(_ record: MCAPRecord) {
        switch record {
        case .header(let h):
            let s = beginRecord(.header)
            appendString(h.profile)
            appendString(h.library)
            endRecord(s)
        case .footer(let f):
            let s = beginRecord(.footer)
            append(f.summaryStart)
            append(f.summaryOffsetStart)
            append(f.summaryCRC)
            endRecord(s)
        case .schema(let schema):
            let s = beginRecord(.schema)
            append(schema.id)
            appendString(schema.name)
            appendString(schema.encoding)
            appendPrefixed32(schema.data)
            endRecord(s)
        case .channel(let c):
            let s = beginRecord(.channel)
            append(c.id)
            append(c.schemaID)
            appendString(c.topic)
            appendString(c.messageEncoding)
            appendStringMap(c.metadata)
            endRecord(s)
        case .message(let m):
            m.data.withUnsafeBytes {
                appendMessage(channelID: m.channelID, sequence: m.sequence, logTime: m.logTime, publishTime: m.publishTime, data: $0)
            }
        case .chunk(let c):
            let s = beginRecord(.chunk)
            append(c.messageStartTime)
            append(c.messageEndTime)
            append(c.uncompressedSize)
            append(c.uncompressedCRC)
            appendString(c.compression)
            appendPrefixed64(c.records)
            endRecord(s)
        case .messageIndex(let mi):
            let s = beginRecord(.messageIndex)
            append(mi.channelID)
            appendIndexEntries(mi.records)
            endRecord(s)
        case .chunkIndex(let ci):
            let s = beginRecord(.chunkIndex)
            append(ci.messageStartTime)
            append(ci.messageEndTime)
            append(ci.chunkStartOffset)
            append(ci.chunkLength)
            appendIDMap(ci.messageIndexOffsets)
            append(ci.messageIndexLength)
            appendString(ci.compression)
            append(ci.compressedSize)
            append(ci.uncompressedSize)
            endRecord(s)
        case .attachment(let a):
            let s = beginRecord(.attachment)
            append(a.logTime)
            append(a.createTime)
            appendString(a.name)
            appendString(a.mediaType)
            appendPrefixed64(a.data)
            let crc = MCAPCRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[(s + 9)...]))
            append(crc)
            endRecord(s)
        case .attachmentIndex(let ai):
            let s = beginRecord(.attachmentIndex)
            append(ai.offset)
            append(ai.length)
            append(ai.logTime)
            append(ai.createTime)
            append(ai.dataSize)
            appendString(ai.name)
            appendString(ai.mediaType)
            endRecord(s)
        case .statistics(let st):
            let s = beginRecord(.statistics)
            append(st.messageCount)
            append(st.schemaCount)
            append(st.channelCount)
            append(st.attachmentCount)
            append(st.metadataCount)
            append(st.chunkCount)
            append(st.messageStartTime)
            append(st.messageEndTime)
            appendIDMap(st.channelMessageCounts)
            endRecord(s)
        case .metadata(let m):
            let s = beginRecord(.metadata)
            appendString(m.name)
            appendStringMap(m.metadata)
            endRecord(s)
        case .metadataIndex(let mi):
            let s = beginRecord(.metadataIndex)
            append(mi.offset)
            append(mi.length)
            appendString(mi.name)
            endRecord(s)
        case .summaryOffset(let so):
            let s = beginRecord(.summaryOffset)
            append(so.groupOpcode)
            append(so.groupStart)
            append(so.groupLength)
            endRecord(s)
        case .dataEnd(let de):
            let s = beginRecord(.dataEnd)
            append(de.dataSectionCRC)
            endRecord(s)
        case .unknown(let opcode, let content):
            append(opcode)
            append(UInt64(content.count))
            append(content)
        }
    }

    /// Appends a Message record without building an ``MCAPMessage``: the writer's hot path.
    @inline(__always)
    func appendMessage(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64, data: UnsafeRawBufferPointer) {
        let contentLength = 2 + 4 + 8 + 8 + data.count
        reserve(9 + contentLength)
        let p = base + count
        p.storeBytes(of: MCAPOpcode.message.rawValue, as: UInt8.self)
        p.storeBytes(of: UInt64(contentLength).littleEndian, toByteOffset: 1, as: UInt64.self)
        p.storeBytes(of: channelID.littleEndian, toByteOffset: 9, as: UInt16.self)
        p.storeBytes(of: sequence.littleEndian, toByteOffset: 11, as: UInt32.self)
        p.storeBytes(of: logTime.littleEndian, toByteOffset: 15, as: UInt64.self)
        p.storeBytes(of: publishTime.littleEndian, toByteOffset: 23, as: UInt64.self)
        if let source = data.baseAddress, data.count > 0 {
            (p + 31).copyMemory(from: source, byteCount: data.count)
        }
        advance(by: 9 + contentLength)
    }

    /// Appends the `Array<Tuple<Timestamp, uint64>>` of a MessageIndex: a byte length and the pairs.
    func appendIndexEntries(_ entries: [MCAPMessageIndex.Entry]) {
        append(UInt32(entries.count * 16))
        #if _endian(little)
        // An Entry is two UInt64s; when Swift lays them out in order (it does), the array is already
        // the wire format on a little-endian host and one copy writes it.
        if MemoryLayout<MCAPMessageIndex.Entry>.stride == 16,
           MemoryLayout<MCAPMessageIndex.Entry>.offset(of: \.logTime) == 0,
           MemoryLayout<MCAPMessageIndex.Entry>.offset(of: \.offset) == 8 {
            entries.withUnsafeBytes { append($0) }
            return
        }
        #endif
        for e in entries {
            append(e.logTime)
            append(e.offset)
        }
    }
}
