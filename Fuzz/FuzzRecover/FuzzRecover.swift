// libFuzzer target: `haechi recover`'s rebuild. Any bytes are rebuilt or refused, never a trap; and
// what is rebuilt is a valid MCAP file that the strict reader reads through, summary and all.
import FuzzSupport
import MCAPCodec

let fuzzRecover: FuzzTest = { data, size in
    let bytes = Array(fuzzInput(data, size))
    let output = InMemoryOutput()
    // Uncompressed output: what is fuzzed is the reading and the rebuilding, not zstd (3x the executions).
    var options = MCAPWriterOptions()
    options.compression = .none
    // Small chunks: an input of a few kilobytes is rebuilt into several chunks (closing, indexing and
    // summarising them is fuzzed too), and the writer's chunk buffer is 8 KiB, not 1 MiB, which
    // AddressSanitizer would poison and unpoison on every execution.
    options.chunkSize = 4096
    guard (try? MCAPRecovery.rebuild(reading: bytes, into: output, options: options)) != nil else { return 0 }
    let reader = MCAPReader(output.bytes)
    do {
        _ = try reader.readSummary()
        _ = try reader.readAllMessages()
    } catch {
        fatalError("the rebuilt file does not read back: \(error)")
    }
    return 0
}

@_cdecl("FuzzRecover_main")
func fuzzRecoverMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzRecover) }
