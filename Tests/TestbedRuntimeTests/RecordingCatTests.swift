// `haechi cat`'s pieces that need no recording: times on the command line, and how parts print.
import Testing
import TelemetryModel
@testable import TestbedRuntime

@Suite("Recording cat")
struct RecordingCatTests {
    @Test("--from and --to take seconds after the first frame or a UTC time to the nanosecond")
    func times() {
        #expect(RecordingTime("12.5") == .offset(seconds: 12.5))
        #expect(RecordingTime("0") == .offset(seconds: 0))
        #expect(RecordingTime("2026-12-07T18:50:32Z") == .instant(Timestamp(nanosecondsSinceEpoch: 1_796_669_432_000_000_000)))
        #expect(RecordingTime("2026-12-07T18:50:32.810989126Z")
                == .instant(Timestamp(nanosecondsSinceEpoch: 1_796_669_432_810_989_126)))
        #expect(RecordingTime("2026-12-07T18:50:32.5Z") == .instant(Timestamp(nanosecondsSinceEpoch: 1_796_669_432_500_000_000)))
        #expect(RecordingTime("2026-12-07T19:50:32.25+01:00") == .instant(Timestamp(nanosecondsSinceEpoch: 1_796_669_432_250_000_000)))
        for bad in ["yesterday", "-1", "nan", "inf", "1e10", "3000-01-01T00:00:00Z", "1600-01-01T00:00:00Z", "2026-12-07T18:50:32.Z", "2026-12-07T18:50:32.1234567891Z", "2026-13-07T00:00:00Z", ""] {
            #expect(RecordingTime(bad) == nil, "\(bad)")
        }
        #expect(RecordingTime.offset(seconds: 1.5).nanoseconds(first: 10) == 1_500_000_010)
    }

    @Test("A part prints as text when it is printable UTF-8, else as hex")
    func parts() {
        #expect(RecordingCatRunner.printableText(Array("json/radar-1".utf8)) == "json/radar-1")
        #expect(RecordingCatRunner.printableText(Array("{\"a\": 1}\n\t".utf8)) == "{\"a\": 1}\n\t")
        #expect(RecordingCatRunner.printableText(Array("해치".utf8)) == "해치")
        #expect(RecordingCatRunner.printableText([0xFD, 0x09, 0x00]) == nil)
        #expect(RecordingCatRunner.printableText([0x41, 0x00]) == nil)
        #expect(RecordingCatRunner.printableText([0x41, 0x7F]) == nil)
        #expect(RecordingCatRunner.hex([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(RecordingCatRunner.hex([]) == "")
    }
}
