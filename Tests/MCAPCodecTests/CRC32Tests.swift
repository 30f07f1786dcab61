// Known-answer tests of the CRC-32 MCAP uses.
import MCAPCodec
import Testing

@Suite struct CRC32Tests {
    @Test(arguments: [
        ("", UInt32(0)),
        ("a", UInt32(0xE8B7_BE43)),
        ("123456789", UInt32(0xCBF4_3926)),
        ("The quick brown fox jumps over the lazy dog", UInt32(0x414F_A339)),
    ])
    func knownVectors(input: String, expected: UInt32) {
        #expect(MCAPCRC32.checksum(Array(input.utf8)) == expected)
    }

    @Test func piecewiseEqualsWhole() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = MCAPCRC32.checksum(bytes)
        for split in [0, 1, 7, 4096, 9_999, 10_000] {
            let first = MCAPCRC32.checksum(Array(bytes[..<split]))
            #expect(MCAPCRC32.checksum(Array(bytes[split...]), seed: first) == whole)
        }
    }
}
