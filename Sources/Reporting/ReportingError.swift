// The one error type of Reporting.

/// A report that could not be rendered, a key or font that could not be read, a manifest that could not be made.
public struct ReportingError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: String, Hashable, Sendable { case invalidKey, invalidFileName, invalidManifest, invalidReport, signingFailed, encodingFailed, invalidFont }
        fileprivate var wrapped: Wrapped
        /// A key's text is not a Haechi Ed25519 key of the expected kind (header, base64 or length is wrong).
        public static let invalidKey = Code(wrapped: .invalidKey)
        /// A file name to sign is empty, a path, `.` or `..`, or contains a control character.
        public static let invalidFileName = Code(wrapped: .invalidFileName)
        /// A signature manifest could not be read as JSON of the expected shape.
        public static let invalidManifest = Code(wrapped: .invalidManifest)
        /// A report's JSON could not be read back as ``ReportData``.
        public static let invalidReport = Code(wrapped: .invalidReport)
        /// swift-crypto could not make the signature.
        public static let signingFailed = Code(wrapped: .signingFailed)
        /// Encoding the report or manifest failed (not expected: every value is encodable).
        public static let encodingFailed = Code(wrapped: .encodingFailed)
        /// A font to embed is not a readable TrueType font (CFF outlines, a collection, a damaged table), or cannot be read.
        public static let invalidFont = Code(wrapped: .invalidFont)
        public var description: String { wrapped.rawValue }
    }

    /// What kind of problem it is.
    public var code: Code
    /// What happened, for a person.
    public var message: String
    /// The error underneath (from swift-crypto or Foundation), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
