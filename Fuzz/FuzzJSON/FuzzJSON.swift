// libFuzzer target: JSON telemetry v1. Any bytes decode or are rejected with a reason, never a trap;
// and `decode` (the fast path first) must give exactly what the `Decodable` reference gives.
import FuzzSupport
import TelemetryModel

let fuzzJSON: FuzzTest = { data, size in
    let payload = fuzzInput(data, size)
    let decoder = TelemetryJSONDecoder()
    let reference = Result { () throws(TelemetryDecodingError) in try decoder.referenceDecode(payload) }
    let decoded = Result { () throws(TelemetryDecodingError) in try decoder.decode(payload) }
    if case .success(let fast) = decoded {
        guard case .success(let authority) = reference, authority == fast else {
            fatalError("decode accepted what the reference decodes differently: \(fast) vs \(reference)")
        }
    }
    return 0
}

@_cdecl("FuzzJSON_main")
func fuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzJSON) }
