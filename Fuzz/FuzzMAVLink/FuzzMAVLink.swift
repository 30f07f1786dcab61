// libFuzzer target: MAVLink frames. Any bytes parse into messages and counted defects, never a trap,
// and every message goes through the truth assembler as ingest would.
import FuzzSupport
import TelemetryModel

let fuzzMAVLink: FuzzTest = { data, size in
    var assembler = MAVLinkTruthAssembler(droneID: "drone-1", siteGeoidSeparation: 25)
    var time: Int64 = 1_700_000_000_000_000_000
    MAVLinkFrameParser.parse(fuzzInput(data, size)) { event in
        guard case .message(let header, let message) = event else { return }
        time += 1_000_000
        _ = assembler.ingest(header, message, receivedAt: Timestamp(nanosecondsSinceEpoch: time))
    }
    return 0
}

@_cdecl("FuzzMAVLink_main")
func fuzzMAVLinkMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzMAVLink) }
