// The wire envelope's topic: `<format>/<source-id>`.

/// The payload formats Haechi decodes.
public enum WireFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Haechi telemetry JSON v1.
    case json
    /// MAVLink v2 (and v1) frames.
    case mavlink
    /// ASTERIX data blocks (EUROCONTROL), one datagram per payload: CAT048 plots, CAT034 service
    /// messages, CAT062 system tracks.
    case asterix
    /// SAPIENT (BSI Flex 335 v2.0): one serialized `SapientMessage` per payload, from a node's TCP
    /// connection (its 4-byte length prefix taken off).
    case sapient
}

/// A parsed topic. One topic is one source: counters and sequence checks are kept per topic.
public struct SourceTopic: Hashable, Sendable, CustomStringConvertible {
    /// The format part, as sent (may be a format Haechi does not know).
    public let formatName: String
    /// The source id part.
    public let sourceID: String

    /// The longest source id accepted.
    public static let maximumSourceIDLength = 64
    /// The longest format name accepted.
    public static let maximumFormatLength = 16

    /// The format, if Haechi speaks it.
    public var format: WireFormat? { WireFormat(rawValue: formatName) }

    /// The topic as it appears on the wire.
    public var description: String { "\(formatName)/\(sourceID)" }

    /// Creates a topic from its parts, or `nil` if either breaks the grammar.
    public init?(formatName: String, sourceID: String) {
        guard Self.isValidFormat(formatName.utf8), Self.isValidSourceID(sourceID.utf8) else { return nil }
        self.formatName = formatName
        self.sourceID = sourceID
    }

    /// Parses a topic from wire bytes, or returns `nil` if they are not `<format>/<source-id>`.
    ///
    /// Format: `[a-z0-9]{1,16}`; source id: `[A-Za-z0-9._:-]{1,64}`.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let format = UnsafeRawBufferPointer(rebasing: bytes[..<slash])
        let source = UnsafeRawBufferPointer(rebasing: bytes[(slash + 1)...])
        guard Self.isValidFormat(format), Self.isValidSourceID(source) else { return nil }
        // Both parts are ASCII by now, so decoding cannot fail.
        self.formatName = String(decoding: format, as: UTF8.self)
        self.sourceID = String(decoding: source, as: UTF8.self)
    }

    private static func isValidFormat(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.count <= maximumFormatLength && bytes.allSatisfy { b in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
    }

    private static func isValidSourceID(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.count <= maximumSourceIDLength && bytes.allSatisfy { b in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: "-")
        }
    }
}
