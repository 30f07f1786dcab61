// One reason a signed report does not verify.

/// A problem ``ReportSigner/verify(manifest:files:trustedPublicKey:)`` found. An empty list of problems
/// means the report verified.
public struct VerificationProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: String, Hashable, Sendable {
            case unsupportedFormat, unreadablePublicKey, unreadableTrustedKey, untrustedPublicKey, badSignature
            case missingFile, changedFile, unlistedFile, unsafeFileName, duplicateFile
        }
        fileprivate var wrapped: Wrapped
        /// The manifest's `format` or `algorithm` is not one this version reads.
        public static let unsupportedFormat = Code(wrapped: .unsupportedFormat)
        /// The manifest's `publicKey` is not the base64 of 32 bytes.
        public static let unreadablePublicKey = Code(wrapped: .unreadablePublicKey)
        /// The trusted key given to check against could not be read.
        public static let unreadableTrustedKey = Code(wrapped: .unreadableTrustedKey)
        /// The manifest was signed with a key other than the trusted one.
        public static let untrustedPublicKey = Code(wrapped: .untrustedPublicKey)
        /// The signature does not match the manifest (a field was changed, or the signature was).
        public static let badSignature = Code(wrapped: .badSignature)
        /// A file the manifest lists was not found.
        public static let missingFile = Code(wrapped: .missingFile)
        /// A file's SHA-256 or size differs from the manifest's.
        public static let changedFile = Code(wrapped: .changedFile)
        /// A file is present beside the report that the manifest does not list.
        public static let unlistedFile = Code(wrapped: .unlistedFile)
        /// The manifest names a file by a path (with `/`, `..`, …) rather than a plain name.
        public static let unsafeFileName = Code(wrapped: .unsafeFileName)
        /// The manifest lists the same name twice.
        public static let duplicateFile = Code(wrapped: .duplicateFile)
        public var description: String { wrapped.rawValue }
    }

    /// What kind of problem it is.
    public var code: Code
    /// The file concerned, if any.
    public var file: String?
    /// What is wrong, for a person.
    public var message: String

    /// A problem.
    public init(code: Code, file: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.message = message
    }

    public var description: String { file.map { "\($0): \(message)" } ?? message }
}
