// What `haechi archive push` did, as JSON and as a line for people.

/// What one push sent.
public struct ArchivePushSummary: Sendable, Encodable {
    public var range: String
    public var entriesPushed = 0
    public var firstSequence: Int64?
    public var lastSequence: Int64?
    /// Entries of the log the archive held before this push.
    public var alreadyArchived = 0
    public var recordingsStored = 0
    public var recordingsAlreadyStored = 0
    public var reportsPushed = 0

    enum CodingKeys: String, CodingKey {
        case range, entriesPushed = "entries_pushed", firstSequence = "first_sequence", lastSequence = "last_sequence"
        case alreadyArchived = "already_archived", recordingsStored = "recordings_stored"
        case recordingsAlreadyStored = "recordings_already_stored", reportsPushed = "reports_pushed"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(range, forKey: .range)
        try c.encode(entriesPushed, forKey: .entriesPushed)
        try c.encode(firstSequence, forKey: .firstSequence)
        try c.encode(lastSequence, forKey: .lastSequence)
        try c.encode(alreadyArchived, forKey: .alreadyArchived)
        try c.encode(recordingsStored, forKey: .recordingsStored)
        try c.encode(recordingsAlreadyStored, forKey: .recordingsAlreadyStored)
        try c.encode(reportsPushed, forKey: .reportsPushed)
    }

    /// As pretty, key-sorted JSON.
    public func jsonText() throws -> String { try summaryJSON(self) }

    /// One paragraph for people.
    public var text: String {
        let entries = entriesPushed == 0 ? "no new entries"
            : "\(entriesPushed) entr\(entriesPushed == 1 ? "y" : "ies") (\(firstSequence ?? 0)–\(lastSequence ?? 0))"
        return "range \(range): pushed \(entries); \(alreadyArchived) were archived already\n"
            + "recordings: \(recordingsStored) copied to the store, \(recordingsAlreadyStored) there already\n"
            + (reportsPushed > 0 ? "report manifests: \(reportsPushed) pushed\n" : "")
    }
}
