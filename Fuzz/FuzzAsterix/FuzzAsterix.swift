// libFuzzer target: ASTERIX datagrams (CAT034, CAT048, CAT062 and any other category). Any bytes are
// read into records or refused with a counted problem, never a trap; every record parsed lies inside
// the datagram, in order, and decodes to a message or a problem.
import Asterix
import FuzzSupport

let asterixParser = AsterixRecordParser([.cat034, .cat048, .cat062])

let fuzzAsterix: FuzzTest = { data, size in
    let datagram = Array(fuzzInput(data, size))
    let (records, problems) = asterixParser.parse(datagram)
    var end = 0
    for record in records {
        guard record.offset >= end, record.end > record.offset, record.end <= datagram.count else {
            fatalError("record \(record.offset)..<\(record.end) outside the datagram or out of order (previous end \(end))")
        }
        end = record.end
        _ = AsterixMessage.decode(record)
    }
    for problem in problems where problem.offset > datagram.count {
        fatalError("problem past the datagram: \(problem)")
    }
    return 0
}

@_cdecl("FuzzAsterix_main")
func fuzzAsterixMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runLibFuzzer(argc, argv, fuzzAsterix) }
