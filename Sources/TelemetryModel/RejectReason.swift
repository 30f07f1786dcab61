// Why a received frame, or a MAVLink frame inside it, could not be used.

/// The reason a frame was rejected. The raw values are the names used in summaries and docs.
///
/// See `docs/wire-formats.md` for the exact meaning of each.
public enum RejectReason: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Not exactly two message parts.
    case badEnvelope = "bad_envelope"
    /// The topic is not `<format>/<source-id>`.
    case badTopic = "bad_topic"
    /// A well-formed topic in a format Haechi does not speak.
    case unknownFormat = "unknown_format"
    /// A zero-byte payload.
    case emptyFrame = "empty_frame"
    /// A payload above the configured size limit.
    case oversizeFrame = "oversize_frame"
    /// A `json/` payload that is not JSON.
    case malformedJSON = "malformed_json"
    /// Valid JSON that breaks the record schema.
    case schemaInvalid = "schema_invalid"
    /// Bytes that are not a MAVLink frame, or a frame cut short.
    case mavlinkBadFrame = "mavlink_bad_frame"
    /// A MAVLink frame whose checksum does not match.
    case mavlinkCRC = "mavlink_crc"
    /// A MAVLink message id Haechi does not decode.
    case mavlinkUnknownMessage = "mavlink_unknown_message"
    /// A MAVLink v2 frame with an incompatibility flag other than signing.
    case mavlinkIncompatibleFlags = "mavlink_incompatible_flags"
    /// A CURVE client sent for a topic, or a MAVLink system id, its key may not speak for.
    case unauthorisedSource = "unauthorised_source"
    case asterixBadBlockLength = "asterix_bad_block_length"
    case asterixUnknownCategory = "asterix_unknown_category"
    case asterixUnterminatedFSPEC = "asterix_unterminated_fspec"
    case asterixUnknownItem = "asterix_unknown_item"
    case asterixTruncatedItem = "asterix_truncated_item"
    case asterixEmptyRecord = "asterix_empty_record"
    case asterixMissingItem = "asterix_missing_item"
    case asterixUnexpectedSource = "asterix_unexpected_source"
    /// SAPIENT (BSI Flex 335 v2.0): one reason per rule broken (`SapientProblem.Kind` in the Sapient module).
    case sapientMalformed = "sapient_malformed"
    case sapientMissingField = "sapient_missing_field"
    case sapientBadIdentifier = "sapient_bad_identifier"
    case sapientBadTime = "sapient_bad_time"
    case sapientUnknownICDVersion = "sapient_unknown_icd_version"
    case sapientUnexpectedContent = "sapient_unexpected_content"
    case sapientUnsupportedLocation = "sapient_unsupported_location"
    case sapientUnregistered = "sapient_unregistered"
    case sapientUnknownNode = "sapient_unknown_node"
    case sapientOversizeLength = "sapient_oversize_length"
    case sapientStalled = "sapient_stalled"

    public static func < (lhs: RejectReason, rhs: RejectReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
