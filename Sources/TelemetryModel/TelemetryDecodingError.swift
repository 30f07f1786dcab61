// The one error type of TelemetryModel: why a payload could not be decoded.

/// Why a payload could not be decoded: the counted ``reason`` and a message naming the field.
public struct TelemetryDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The reason it is counted under.
    public var reason: RejectReason
    /// What was wrong, naming the field where one is to blame.
    public var message: String

    /// Creates an error.
    public init(reason: RejectReason, message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
