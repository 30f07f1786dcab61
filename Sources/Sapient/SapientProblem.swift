// What can be wrong with a SAPIENT frame, from the TCP stream up to the ICD's rules.

/// A rule of BSI Flex 335 v2.0 (or of Haechi's reading of it) that a frame broke. Each maps to a
/// reject reason of its own (`sapient_<kind>` in the counters; docs/wire-formats.md lists them).
public struct SapientProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Not a SapientMessage: the protobuf does not decode.
        case malformed
        /// A field the ICD marks mandatory, or a one-of Haechi needs, is missing.
        case missingField = "missing_field"
        /// A ULID or UUID field that is not one (ULID: 26 Crockford base-32 characters; UUID: lower-case v4).
        case badIdentifier = "bad_identifier"
        /// The message's timestamp is outside the window around its receive time.
        case badTime = "bad_time"
        /// A Registration naming an ICD version other than BSI Flex 335 v2.0.
        case unknownICDVersion = "unknown_icd_version"
        /// A content a sensor node does not send a decision module (a Task, an acknowledgement), or none.
        case unexpectedContent = "unexpected_content"
        /// A position Haechi cannot place: UTM, a bearing not from true north, a location with no height,
        /// units it does not know, or a location while the node's own position is unknown.
        case unsupportedLocation = "unsupported_location"
        /// A message from a connection that has not registered as the node it names.
        case unregistered
        /// A Registration from a node the configuration does not list.
        case unknownNode = "unknown_node"
        /// A length prefix past `max_frame_bytes`: the connection was closed (the stream cannot be resynchronised).
        case oversizeLength = "oversize_length"
        /// A connection that sent part of a message and then nothing for `stall_timeout_ms`: closed.
        case stalled
    }

    public var kind: Kind
    /// Where in the message, for people (`detection_report.object_id`).
    public var field: String

    public init(_ kind: Kind, _ field: String = "") {
        self.kind = kind
        self.field = field
    }

    public var description: String { field.isEmpty ? kind.rawValue : "\(kind.rawValue) (\(field))" }
}
