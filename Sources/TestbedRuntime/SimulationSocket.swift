// The ZeroMQ socket pattern `haechi simulate` publishes with: PUB or PUSH.

/// The socket pattern a simulation publishes with.
public enum SimulationSocket: String, Hashable, Sendable, CaseIterable {
    /// PUB: fan-out to every subscriber; drops at the high-water mark (the loss shows as sequence gaps).
    case pub
    /// PUSH: lossless; waits for the receiver. Several endpoints share the messages round-robin.
    case push
}
