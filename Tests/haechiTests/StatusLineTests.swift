// The live status line as an operator reads it: alarms first, never wider than the terminal.
import Testing
import TelemetryIngest
import TelemetryModel
@testable import haechi
import TestbedRuntime

@Suite("Status line")
struct StatusLineTests {
    static func t(_ seconds: Double) -> Timestamp { Timestamp(nanosecondsSinceEpoch: Int64(seconds * 1e9)) }

    static func source(frames: UInt64, first: Double, last: Double, malformed: UInt64 = 0) -> SourceStatistics {
        var s = SourceStatistics()
        s.framesReceived = frames
        s.framesMalformed = malformed
        s.firstReceiveTime = t(first)
        s.lastReceiveTime = t(last)
        return s
    }

    @Test("Stale streams and silent sensors are named, before the rates; a single message is not a stream")
    func alarms() {
        var before = IngestStatistics(endpointCount: 1), now = IngestStatistics(endpointCount: 1)
        before.sources["json/radar-0"] = Self.source(frames: 90, first: 0, last: 99)
        now.sources["json/radar-0"] = Self.source(frames: 100, first: 0, last: 99.9)       // 10 Hz, fresh
        before.sources["json/rf-1"] = Self.source(frames: 40, first: 0, last: 88)
        now.sources["json/rf-1"] = Self.source(frames: 40, first: 0, last: 88)             // ~2 s interval, 12 s old
        now.sources["json/status-slow"] = Self.source(frames: 5, first: 0, last: 80)       // 20 s interval, 20 s old
        now.sources["json/scenario"] = Self.source(frames: 1, first: 0, last: 0)           // one meta record
        now.sources["asterix/7-1"] = Self.source(frames: 10, first: 90, last: 99.5, malformed: 2)
        let extras = StatusLine.Extras(tracksNow: 3, tracksConfirmed: 7, recordingPath: nil,
                                       expectedSensors: [ExpectedSensor(id: "radar-0", sources: ["json/radar-0", "sapient/radar-0"]),
                                                         ExpectedSensor(id: "radar-7", sources: ["json/radar-7", "sapient/radar-7", "asterix/7-1"]),
                                                         ExpectedSensor(id: "radar-2", sources: ["json/radar-2", "sapient/radar-2"])])
        let line = StatusLine.text(now, previous: before, now: Self.t(100), previousTime: Self.t(99), elapsed: 42, extras: extras, width: 400)
        #expect(line.hasPrefix("haechi ingest 42s | 156 frames, 2 bad | tracks 3 (7 confirmed) | STALE json/rf-1 12s | SILENT radar-2 | "))
        #expect(!line.contains("status-slow 20s") && !line.contains("scenario 100s"))
        #expect(line.contains("json/radar-0 10/s"))
    }

    @Test("The line is cut to the terminal's width, alarms kept before rates")
    func width() {
        var now = IngestStatistics(endpointCount: 1)
        for i in 0..<30 { now.sources["json/sensor-with-a-long-name-\(i)"] = Self.source(frames: 10, first: 0, last: 99.9) }
        now.sources["json/quiet"] = Self.source(frames: 10, first: 0, last: 50)
        let line = StatusLine.text(now, previous: now, now: Self.t(100), previousTime: Self.t(99), elapsed: 1,
                                   extras: .init(), width: 80)
        #expect(line.count == 79 && line.hasSuffix("…"))
        #expect(line.contains("STALE json/quiet 50s"))
    }

    @Test("The recording's size and the free disk are the run loop's readings, shown as read")
    func recording() {
        let now = IngestStatistics(endpointCount: 1)
        let line = StatusLine.text(now, previous: now, now: Self.t(100), previousTime: Self.t(99), elapsed: 1,
                                   extras: .init(recordingPath: "Replays/run-1.mcap", recordingBytes: 8_123_456, freeBytes: 41_200_000_000),
                                   width: 200)
        #expect(line.contains(" | rec 8.1 MB, 41.2 GB free"), "\(line)")
        let unread = StatusLine.text(now, previous: now, now: Self.t(100), previousTime: Self.t(99), elapsed: 1,
                                     extras: .init(recordingPath: "Replays/run-1.mcap"), width: 200)
        #expect(unread.contains(" | rec 0 B") && !unread.contains("free"), "\(unread)")
    }

    @Test("Sizes read as a person would write them")
    func bytes() {
        #expect(StatusLine.byteText(512) == "512 B")
        #expect(StatusLine.byteText(8_123_456) == "8.1 MB")
        #expect(StatusLine.byteText(41_200_000_000) == "41.2 GB")
    }
}
