// The one error type of SessionRecording.
public import MCAPCodec

/// A recording that could not be made, read, recovered or replayed.
public struct RecordingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: String, Hashable, Sendable { case cannotCreate, writeFailed, unreadable, notAHaechiRecording }
        fileprivate var wrapped: Wrapped
        /// The file could not be created (it exists, or the folder is not writable).
        public static let cannotCreate = Code(wrapped: .cannotCreate)
        /// Writing failed (a full disk, an I/O error).
        public static let writeFailed = Code(wrapped: .writeFailed)
        /// The file could not be read as MCAP.
        public static let unreadable = Code(wrapped: .unreadable)
        /// The file is MCAP but lacks what a Haechi recording holds.
        public static let notAHaechiRecording = Code(wrapped: .notAHaechiRecording)
        public var description: String { wrapped.rawValue }
    }

    /// What kind of problem it is.
    public var code: Code
    /// What happened, for a person.
    public var message: String
    /// The codec's error underneath, if any.
    public var cause: MCAPError?

    /// Creates an error.
    public init(code: Code, message: String, cause: MCAPError? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
