// MCAPRecovery: rebuilds an unfinished or damaged MCAP file into a new, fully indexed one.

/// What ``MCAPRecovery/rebuild(reading:into:options:)`` found and kept.
public struct MCAPRecoveryReport: Hashable, Sendable, CustomStringConvertible {
    /// The size of the input.
    public var inputSize: UInt64
    /// Whether the input was already finalised (ended with a Footer and the magic).
    public var wasFinalised: Bool
    /// How far the input was read: the end of the last complete record (the cut, in a file a crash
    /// left unfinished). Damaged stretches before it were skipped (``skippedRegions``).
    public var readLength: UInt64
    /// Why reading stopped before the end of the data section (a cut, or damage with nothing intact
    /// after it), with the offset; `nil` when the whole data section was read.
    public var stopReason: MCAPError?
    /// The damaged stretches passed over (a chunk that fails its CRC or does not decompress, a record
    /// whose length is broken), each with its size and, when known, the messages it held.
    public var skippedRegions: [MCAPSkippedRegion] = []
    /// Messages copied to the new file.
    public var messagesRecovered: UInt64
    /// Complete chunks read from the input (the new file is chunked afresh).
    public var chunksRecovered: Int
    /// Messages outside chunks read from the input.
    public var unchunkedMessagesRecovered: UInt64
    /// Distinct schemas copied.
    public var schemasRecovered: Int
    /// Distinct channels copied.
    public var channelsRecovered: Int
    /// Metadata records copied.
    public var metadataRecovered: Int
    /// Attachments copied.
    public var attachmentsRecovered: Int
    /// Records dropped because they contradict earlier ones or refer to something undefined
    /// (a second, different schema or channel with the same ID; a message on an unknown channel).
    public var recordsSkipped: Int

    /// Bytes of the input after ``readLength``: a cut-off tail, which is lost (or a finalised input's
    /// summary, which the new file has afresh).
    public var bytesDiscarded: UInt64 { inputSize - readLength }

    /// Damaged chunks skipped.
    public var chunksSkipped: Int { skippedRegions.reduce(0) { $0 + $1.chunks } }

    /// Bytes of the damaged stretches skipped.
    public var bytesSkipped: UInt64 { skippedRegions.reduce(0) { $0 + $1.length } }

    /// Messages in the damaged stretches skipped, lost; `nil` when some region's count cannot be known.
    public var messagesSkipped: UInt64? {
        var total: UInt64 = 0
        for region in skippedRegions {
            guard let messages = region.messages else { return nil }
            total += messages
        }
        return total
    }

    /// One line on what was skipped:
    /// `skipped 1 damaged chunk(s) in 1 damaged region(s): 5321 byte(s), 48 message(s) lost`.
    public var skippedSummary: String {
        let messages = messagesSkipped.map { "\($0) message(s)" } ?? "an unknown number of messages"
        return "skipped \(chunksSkipped) damaged chunk(s) in \(skippedRegions.count) damaged region(s): "
            + "\(bytesSkipped) byte(s), \(messages) lost"
    }

    /// One paragraph a person can read.
    public var description: String {
        var text = "kept \(messagesRecovered) message(s) from \(chunksRecovered) complete chunk(s)"
        if unchunkedMessagesRecovered > 0 { text += " (\(unchunkedMessagesRecovered) outside chunks)" }
        text += ", \(channelsRecovered) channel(s), \(schemasRecovered) schema(s), \(metadataRecovered) metadata, "
            + "\(attachmentsRecovered) attachment(s); read \(readLength) of \(inputSize) bytes"
        for region in skippedRegions { text += "; skipped \(region)" }
        if let stopReason {
            text += "; stopped at offset \(stopReason.offset.map(String.init) ?? "?"): \(stopReason.message)"
        } else {
            text += wasFinalised ? "; the input was already finalised" : "; the whole data section was readable"
        }
        if recordsSkipped > 0 { text += "; \(recordsSkipped) inconsistent record(s) skipped" }
        return text
    }
}

/// Rebuilds MCAP files that a crash left unfinished.
public enum MCAPRecovery {
    /// Reads every complete, intact record of `bytes` (schemas, channels, the messages of complete
    /// chunks and outside chunks, metadata, attachments) up to the cut, and writes them with an
    /// ``MCAPWriter`` to `output` as a new, finalised, fully indexed file.
    ///
    /// Schema and channel IDs are kept. The Header's profile is kept when the input has one (else
    /// `options.profile`); chunking, compression and CRCs follow `options`. A chunk is taken whole
    /// or not at all. A damaged chunk (or other record) in the data section is skipped and reading
    /// goes on at the next intact record (``MCAPReaderOptions/skipsDamage``); the report lists each
    /// stretch skipped. Reading stops at the cut: where nothing intact follows.
    /// - Throws: ``MCAPError/Code/invalidMagic`` when `bytes` is not MCAP at all; any error of the
    ///   output or of compression while writing.
    public static func rebuild(
        reading bytes: [UInt8], into output: any MCAPOutput, options: MCAPWriterOptions = MCAPWriterOptions()
    ) throws(MCAPError) -> MCAPRecoveryReport {
        try rebuild(reading: bytes as any MCAPByteSource, into: output, options: options)
    }

    /// ``rebuild(reading:into:options:)`` over any byte source (a mapped file).
    public static func rebuild(
        reading source: any MCAPByteSource, into output: any MCAPOutput, options: MCAPWriterOptions = MCAPWriterOptions()
    ) throws(MCAPError) -> MCAPRecoveryReport {
        let reader = MCAPReader(source: source, options: MCAPReaderOptions(validateCRCs: true, lenient: true, skipsDamage: true))
        let status = source.withUnsafeBytes { MCAPFileStatus.check($0) }
        if status == .notMCAP {
            throw MCAPError(code: .invalidMagic, message: "cannot recover: the input does not start with the MCAP magic", offset: 0)
        }
        var report = MCAPRecoveryReport(
            inputSize: UInt64(reader.byteCount), wasFinalised: status.isFinalised, readLength: 0, stopReason: nil,
            messagesRecovered: 0, chunksRecovered: 0, unchunkedMessagesRecovered: 0, schemasRecovered: 0,
            channelsRecovered: 0, metadataRecovered: 0, attachmentsRecovered: 0, recordsSkipped: 0)

        var records = reader.records()
        var writer: MCAPWriter?
        var writerOptions = options
        var schemas: [UInt16: MCAPSchema] = [:]
        var channels: [UInt16: MCAPChannel] = [:]
        var lastChunk: UInt64?

        func openWriter() throws(MCAPError) -> MCAPWriter {
            if let writer { return writer }
            let created = MCAPWriter(output: output, options: writerOptions)
            try created.start()
            writer = created
            return created
        }

        reading: while let record = try records.next() {
            if records.offsetInChunk != nil, lastChunk != records.recordOffset {
                lastChunk = records.recordOffset
                report.chunksRecovered += 1
            }
            switch record {
            case .header(let header):
                if !header.profile.isEmpty { writerOptions.profile = header.profile }
            case .schema(let schema):
                guard schema.id != 0 else { continue }
                if let known = schemas[schema.id] {
                    if known != schema { report.recordsSkipped += 1 }
                    continue
                }
                schemas[schema.id] = schema
                try openWriter().addSchema(schema)
            case .channel(let channel):
                if let known = channels[channel.id] {
                    if known != channel { report.recordsSkipped += 1 }
                    continue
                }
                guard channel.schemaID == 0 || schemas[channel.schemaID] != nil else {
                    report.recordsSkipped += 1
                    continue
                }
                channels[channel.id] = channel
                try openWriter().addChannel(channel)
            case .message(let message):
                guard channels[message.channelID] != nil else {
                    report.recordsSkipped += 1
                    continue
                }
                try openWriter().addMessage(
                    channelID: message.channelID, sequence: message.sequence, logTime: message.logTime,
                    publishTime: message.publishTime, data: message.data)
                report.messagesRecovered += 1
                if records.offsetInChunk == nil { report.unchunkedMessagesRecovered += 1 }
            case .metadata(let metadata):
                try openWriter().addMetadata(name: metadata.name, metadata.metadata)
                report.metadataRecovered += 1
            case .attachment(let attachment):
                try openWriter().addAttachment(
                    name: attachment.name, mediaType: attachment.mediaType, data: attachment.data,
                    logTime: attachment.logTime, createTime: attachment.createTime)
                report.attachmentsRecovered += 1
            case .dataEnd, .footer:
                break reading
            default:
                break  // MessageIndex and anything unknown: the new file gets its own indexes.
            }
        }
        report.readLength = records.offset
        report.stopReason = records.stopReason
        report.skippedRegions = records.skippedRegions
        report.schemasRecovered = schemas.count
        report.channelsRecovered = channels.count
        try openWriter().finish()
        return report
    }
}
