// The one error type of TelemetryIngest.

/// Why an ingest run could not start or had to stop.
public struct IngestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable {
        fileprivate enum Wrapped: Hashable, Sendable { case endpointSetup, socketFailure }
        fileprivate var wrapped: Wrapped
        /// An endpoint could not be opened, bound or connected.
        public static let endpointSetup = Code(wrapped: .endpointSetup)
        /// A socket failed while running.
        public static let socketFailure = Code(wrapped: .socketFailure)
    }

    /// What went wrong.
    public var code: Code
    /// A sentence naming the endpoint and the cause.
    public var message: String
    /// The underlying error.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public static func == (lhs: IngestError, rhs: IngestError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }

    public var description: String { message }
}
