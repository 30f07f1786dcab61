// How the ring-buffer core is sized, how it waits, and what it does when tracking falls behind.

/// What the decode-and-track stage does when it falls behind.
public enum TrackingOverloadPolicy: String, Hashable, Sendable, CaseIterable {
    /// Lossless (the default): the ring fills, ingest stops reading, ZeroMQ's buffers take the strain.
    case block
    /// Opt-in: when the stage lags by more than ``PipelineSettings/shedLag`` of the ring, it counts
    /// frames without decoding them until it has caught up. Every such frame is counted
    /// (`frames_shed`) and still reaches the recorder.
    case shed
}

/// How each stage waits for the other.
public enum PipelineWait: String, Hashable, Sendable, CaseIterable {
    /// Spin about 100 checks, then sleep until signalled (the default; measured best on 2 cores).
    case block
    /// Spin, then yield the CPU between checks.
    case yield
    /// Spin without pause: lowest latency, a core per waiting stage.
    case spin
}

/// The ring-buffer core's settings.
public struct PipelineSettings: Hashable, Sendable {
    /// Slots in the ring (a power of two).
    public var ringSlots: Int
    /// Bytes in the frame arena; at least four per-message budgets.
    public var arenaBytes: Int
    public var trackingOverload: TrackingOverloadPolicy
    /// With `shed`, the lag (as a fraction of the ring) beyond which frames are counted, not decoded.
    public var shedLag: Double
    public var wait: PipelineWait
    /// `false`: record only. The decode stage passes frames through untouched (no per-source
    /// counts, no records) and the raw stage gets them all; `make bench` measures the raw-frame
    /// path this way.
    public var decodeFrames: Bool

    /// Defaults: 65 536 slots, a 64 MiB arena, lossless, spin-then-block, decoding.
    public init(ringSlots: Int = 65_536, arenaBytes: Int = 64 << 20, trackingOverload: TrackingOverloadPolicy = .block,
                shedLag: Double = 0.75, wait: PipelineWait = .block, decodeFrames: Bool = true) {
        precondition(ringSlots >= 2 && ringSlots & (ringSlots - 1) == 0, "ringSlots must be a power of two")
        precondition(shedLag > 0 && shedLag <= 1, "shedLag is a fraction of the ring")
        self.ringSlots = ringSlots
        self.arenaBytes = arenaBytes
        self.trackingOverload = trackingOverload
        self.shedLag = shedLag
        self.wait = wait
        self.decodeFrames = decodeFrames
    }
}
