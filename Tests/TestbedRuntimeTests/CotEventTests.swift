// Cursor-on-Target events as a TAK device reads them: times, defaults, and text a sender cannot break.
import Testing
import TelemetryModel
@testable import TestbedRuntime
import TestbedConfiguration

@Suite("Cursor-on-Target events")
struct CotEventTests {
    @Test("Times are UTC to the millisecond, before 1970 too; the defaults are TAK's")
    func times() {
        #expect(CotEvent.cotTime(Timestamp(nanosecondsSinceEpoch: 1_796_669_432_810_989_126)) == "2026-12-07T18:50:32.810Z")
        #expect(CotEvent.cotTime(Timestamp(nanosecondsSinceEpoch: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(CotEvent.cotTime(Timestamp(nanosecondsSinceEpoch: -1_500_000_000)) == "1969-12-31T23:59:58.500Z")
        let settings = CotSettings()
        #expect(settings.udp == "udp://239.2.3.1:6969" && settings.type == "a-u-A-M-F-Q" && !settings.enabled)
    }

    @Test("Control characters a sender put in a sensor id never reach the XML")
    func controlCharacters() {
        #expect(CotEvent.xmlText("radar\u{0}-1\u{1B}[2J\tok\n") == "radar-1[2J\tok\n")
    }
}
