// Frames through a FrameProcessor and on to raw sinks, as the pipeline's raw stage hands them over.
public import TelemetryIngest
public import TelemetryModel

/// Drives a ``FrameProcessor`` and a set of raw sinks (a recorder) the way the pipeline does: the
/// processor decides each frame's verdict, then each raw sink gets the frame with that verdict, in
/// order. The ring and its threads are left out (the ingest tests run them over `inproc://`).
public struct RawFrameFeeder {
    public let processor: FrameProcessor
    public let rawSinks: [any RawFrameSink]
    private let badTopicKeys: [String]

    public init(_ processor: FrameProcessor, endpointNames: [String], rawSinks: [any RawFrameSink]) {
        self.processor = processor
        self.rawSinks = rawSinks
        badTopicKeys = endpointNames.map { FrameProcessor.badTopicKey(endpoint: $0) }
    }

    /// Processes `parts` as message `sequence` from `endpoint`, then lends it to the raw sinks.
    @discardableResult
    public func feed(_ parts: [[UInt8]], endpoint: Int, receivedAt: Timestamp, sequence: UInt64) -> RejectReason? {
        FrameProcessor.lend(parts) { lent in
            let rejection = processor.process(parts: lent, endpoint: endpoint, receivedAt: receivedAt, sequence: sequence)
            let frame = RawFrame(receiveSequence: sequence, receiveTime: receivedAt, endpointIndex: endpoint,
                                 sourceKey: FrameProcessor.frameKey(lent.first.flatMap(SourceTopic.init(bytes:)),
                                                                    endpoint: badTopicKeys[endpoint]),
                                 parts: lent, rejection: rejection)
            for sink in rawSinks { sink.receive(frame) }
            return rejection
        }
    }
}
