// Inputs that `make fuzz` found, kept as regression tests.
import Testing
import Foundation
@testable import MCAPCodec

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// FuzzRecover, 2026-12-07: a 2.3 KB file whose zstd chunk declares an uncompressed_size of
    /// 2.6 GB; recovery allocated it before decompressing. A claim beyond what the codec can expand
    /// its input to is now refused as malformed, and the file recovers up to that chunk.
    @Test("A chunk claiming more than its codec can expand to is refused before any allocation")
    func chunkBomb() throws {
        let bytes = try loadFixture("fuzz-recover-chunk-bomb.mcap")
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: bytes, into: output)
        #expect(report.inputSize == UInt64(bytes.count))
        _ = try MCAPReader(output.bytes).readAllMessages()   // what was rebuilt reads back strictly
        #expect(output.bytes.count < 1 << 20)
    }

    @Test("The expansion bound: zstd 32768:1, lz4 256:1 plus its window; uncompressed chunks must match exactly",
          arguments: [("zstd", 10, 327_680, true), ("zstd", 10, 327_681, false), ("lz4", 10, 2_560 + 65_536, true),
                      ("lz4", 10, 2_561 + 65_536, false)])
    func expansionBound(compression: String, compressed: Int, declared: Int, withinBound: Bool) {
        let input = [UInt8](repeating: 0, count: compressed)
        let result = input.withUnsafeBytes { bytes in
            Result { () throws(MCAPError) in try MCAPChunkDecompressor().decompress(bytes, compression: compression, size: declared, offset: 0) }
        }
        guard case .failure(let error) = result else { Issue.record("ten zero bytes are no valid \(compression) frame"); return }
        // Within the bound the codec itself rejects the garbage; beyond it, the claim is refused first.
        #expect(error.message.contains("more than \(compression) can expand to") == !withinBound, "\(error.message)")
    }
}
