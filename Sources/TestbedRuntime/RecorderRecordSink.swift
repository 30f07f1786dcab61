// The recorder as a record sink of the decode stage: truth and sensor sites into the recording.
import SessionRecording
import TelemetryIngest
import TelemetryModel

/// Hands the decoded records worth a map (truth, sensor sites) to the recorder, on the decode thread.
final class RecorderRecordSink: TelemetryRecordSink {
    let recorder: SessionRecorder

    init(recorder: SessionRecorder) { self.recorder = recorder }

    func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
        if let time = record.time { recorder.noteTime(time) }
        switch record {
        case .truth, .sensor: recorder.record(record)
        default: break
        }
    }
}

// Used by the decode thread only, between the pipeline's start and stop (see TelemetryIngestor.start).
extension RecorderRecordSink: @unchecked Sendable {}
