// The flat record counters: one slot per kind, read back as the summary's dictionary.
import Testing
@testable import TelemetryIngest
import TelemetryModel

@Suite("Record counts by kind")
struct RecordCountsTests {
    @Test("Each kind's slot is its place in RecordKind.allCases")
    func positions() {
        #expect(RecordKind.allCases.map(RecordCounts.position) == Array(RecordKind.allCases.indices))
    }

    @Test("Counts add into the statistics' dictionary, zero kinds left out")
    func addInto() {
        var counts = RecordCounts()
        counts.add(.detection)
        counts.add(.detection, 4)
        counts.add(.sapientError)
        var records: [RecordKind: UInt64] = [.truth: 2, .detection: 1]
        counts.add(into: &records)
        #expect(records == [.truth: 2, .detection: 6, .sapientError: 1])
        #expect(counts[.meta] == 0)
    }
}
