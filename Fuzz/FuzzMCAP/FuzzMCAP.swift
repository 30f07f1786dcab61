// libFuzzer target: the MCAP reader, strict and lenient. Any bytes read as records, messages and a
// summary, or fail with an MCAPError, never a trap or an unbounded allocation.
import FuzzSupport
import MCAPCodec

let fuzzMCAP: FuzzTest = { data, size in
    let bytes = Array(fuzzInput(data, size))
    for lenient in [false, true] {
        let reader = MCAPReader(bytes, options: MCAPReaderOptions(validateCRCs: true, lenient: lenient, sizeLimit: 1 << 24))
        _ = try? reader.readSummary()
        var records = reader.records()
        var count = 0
        while count < 100_000, let record = try? records.next() { _ = record; count += 1 }
        if let messages = try? reader.messages() {
            var iterator = messages
            count = 0
            while count < 100_000, let message = try? iterator.next() { _ = message; count += 1 }
        }
    }
    return 0
}

@_cdecl("FuzzMCAP_main")
func fuzzMCAPMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzMCAP) }
