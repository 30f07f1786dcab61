// ASTERIX framing: data blocks (CAT, LEN), records (FSPEC, items in UAP order), and the item
// structures of the EUROCONTROL specifications (fixed, extended, repetitive, explicit, compound).

/// How an item is laid out, which is all it takes to find where it ends.
public indirect enum AsterixItemShape: Hashable, Sendable {
    /// A fixed number of octets.
    case fixed(Int)
    /// Parts of `first`, then `next` octets, each ending in an FX bit (the least significant bit of
    /// its last octet) that says whether another part follows.
    case extended(first: Int, next: Int)
    /// A one-octet repetition count, then that many elements of `element` octets.
    case repetitive(element: Int)
    /// Elements of `element` octets, each ending in an FX bit that says whether another follows.
    case repetitiveFX(element: Int)
    /// A one-octet length that counts itself, then the contents (SP and RE fields).
    case explicit
    /// A primary subfield (octets of seven presence bits and an FX bit), then the subfields present,
    /// in order; `nil` marks a position the specification leaves unused.
    case compound([AsterixItemShape?])
}

/// A category's User Application Profile: the item at each field reference number (FRN).
public struct AsterixUAP: Sendable {
    /// The category.
    public let category: UInt8
    /// The edition the profile follows ("1.32").
    public let edition: String
    /// FRN 1 onwards: the item's name ("010", "SP") and shape; `nil` for a spare FRN.
    public let items: [(name: String, shape: AsterixItemShape)?]
    private let frns: [String: Int]

    /// A profile.
    public init(category: UInt8, edition: String, items: [(name: String, shape: AsterixItemShape)?]) {
        self.category = category
        self.edition = edition
        self.items = items
        var frns: [String: Int] = [:]
        for (index, item) in items.enumerated() { if let item { frns[item.name] = index + 1 } }
        self.frns = frns
    }

    /// The FRN of item `name`, if the profile has it.
    public func frn(of name: String) -> Int? { frns[name] }
}

/// Why some of a datagram could not be read. Each is counted per source under its reject reason.
public struct AsterixProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of problem, each a reject reason of its own.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Fewer than three octets left for a data block header, or a LEN below 3 or past the datagram.
        case badBlockLength = "asterix_bad_block_length"
        /// A category Haechi does not decode: the block is skipped whole by its LEN.
        case unknownCategory = "asterix_unknown_category"
        /// The FSPEC (or a compound item's primary subfield) runs to the end of the block without a
        /// clear FX bit.
        case unterminatedFSPEC = "asterix_unterminated_fspec"
        /// The FSPEC names an FRN the profile does not define (or a compound subfield it leaves
        /// unused): its length is unknown, so the rest of the block is skipped.
        case unknownItem = "asterix_unknown_item"
        /// An item (or a repetition, or an explicit length) runs past the end of its block.
        case truncatedItem = "asterix_truncated_item"
        /// A record without a single item.
        case emptyRecord = "asterix_empty_record"
        /// A record that decodes but lacks an item Haechi needs (the data source, the time).
        case missingItem = "asterix_missing_item"
    }

    /// What went wrong.
    public let kind: Kind
    /// The offset in the datagram where it was found.
    public let offset: Int
    /// The category of the block it was found in, when known.
    public let category: UInt8?
    /// A sentence for people.
    public let message: String

    /// A problem.
    public init(_ kind: Kind, at offset: Int, category: UInt8?, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.category = category
        self.message = message
    }

    public var description: String { "\(kind.rawValue) at offset \(offset): \(message)" }
}

/// One record: which items it holds and where their octets are.
public struct AsterixRecord: Sendable {
    /// The category.
    public let category: UInt8
    /// The datagram the record is in.
    public let bytes: [UInt8]
    /// Where the record starts in ``bytes``.
    public let offset: Int
    /// Where the record ends in ``bytes``.
    public let end: Int
    /// By FRN - 1: the range of the item's octets in ``bytes``, if present.
    let ranges: [Range<Int>?]
    let uap: AsterixUAP

    /// The octets of item `name` ("040"), if the record has it.
    public func item(_ name: String) -> ArraySlice<UInt8>? {
        guard let frn = uap.frn(of: name), frn <= ranges.count, let range = ranges[frn - 1] else { return nil }
        return bytes[range]
    }

    /// The names of the items present, in FRN order.
    public var itemNames: [String] {
        ranges.indices.compactMap { ranges[$0] == nil ? nil : uap.items[$0]?.name }
    }
}

/// Reads datagrams of ASTERIX data blocks into records, by the profiles it is given.
///
/// Nothing is guessed: a block of an unknown category is skipped by its LEN; an item whose length
/// cannot be known (an FRN the profile does not define) ends the block, which is skipped from there
/// by its LEN; every skip is a problem, reported with its offset. Other blocks of the datagram are
/// still read.
public struct AsterixRecordParser: Sendable {
    private var profiles: [AsterixUAP?]

    /// A parser for the given profiles (one per category).
    public init(_ profiles: [AsterixUAP]) {
        self.profiles = Array(repeating: nil, count: 256)
        for profile in profiles { self.profiles[Int(profile.category)] = profile }
    }

    /// Every record of every data block in `datagram`, and the problems met on the way.
    public func parse(_ datagram: [UInt8]) -> (records: [AsterixRecord], problems: [AsterixProblem]) {
        var records: [AsterixRecord] = []
        var problems: [AsterixProblem] = []
        var position = 0
        while position < datagram.count {
            guard datagram.count - position >= 3 else {
                problems.append(AsterixProblem(.badBlockLength, at: position, category: nil,
                                               "\(datagram.count - position) octet(s) left: too few for a data block header"))
                break
            }
            let category = datagram[position]
            let length = Int(datagram[position + 1]) << 8 | Int(datagram[position + 2])
            guard length >= 3, length <= datagram.count - position else {
                problems.append(AsterixProblem(.badBlockLength, at: position, category: category,
                                               "CAT\(category) block LEN \(length) with \(datagram.count - position) octet(s) left"))
                break
            }
            let blockEnd = position + length
            if let profile = profiles[Int(category)] {
                var recordStart = position + 3
                while recordStart < blockEnd {
                    switch Self.record(in: datagram, at: recordStart, end: blockEnd, uap: profile) {
                    case .success(let record):
                        records.append(record)
                        recordStart = record.end
                    case .failure(let problem):
                        problems.append(problem)
                        recordStart = blockEnd
                    }
                }
            } else {
                problems.append(AsterixProblem(.unknownCategory, at: position, category: category,
                                               "CAT\(category) is not decoded: \(length) octet(s) skipped"))
            }
            position = blockEnd
        }
        return (records, problems)
    }

    /// The record at `start`, which must end by `end`.
    static func record(in bytes: [UInt8], at start: Int, end: Int, uap: AsterixUAP) -> Result<AsterixRecord, AsterixProblem> {
        let category = uap.category
        guard let (present, fspecEnd) = presenceBits(in: bytes, at: start, end: end) else {
            return .failure(AsterixProblem(.unterminatedFSPEC, at: start, category: category,
                                           "CAT\(category) record: the FSPEC has no final octet before the block ends"))
        }
        guard !present.isEmpty else {
            return .failure(AsterixProblem(.emptyRecord, at: start, category: category, "CAT\(category) record without items"))
        }
        var ranges = [Range<Int>?](repeating: nil, count: uap.items.count)
        var position = fspecEnd
        for frn in present {
            guard frn <= uap.items.count, let item = uap.items[frn - 1] else {
                return .failure(AsterixProblem(.unknownItem, at: position, category: category,
                                               "CAT\(category) edition \(uap.edition) defines no item at FRN \(frn): its length is unknown"))
            }
            switch skip(item.shape, in: bytes, at: position, end: end) {
            case .success(let itemEnd):
                ranges[frn - 1] = position..<itemEnd
                position = itemEnd
            case .failure(let problem):
                return .failure(AsterixProblem(problem.kind, at: problem.offset, category: category,
                                               "CAT\(category) I\(category)/\(item.name): \(problem.message)"))
            }
        }
        return .success(AsterixRecord(category: category, bytes: bytes, offset: start, end: position, ranges: ranges, uap: uap))
    }

    /// The numbers (from 1) whose presence bits are set in the FX-extended octets at `start`, and
    /// where those octets end; `nil` when they do not end before `end`.
    static func presenceBits(in bytes: [UInt8], at start: Int, end: Int) -> (present: [Int], end: Int)? {
        var present: [Int] = []
        var position = start
        while true {
            guard position < end else { return nil }
            let octet = bytes[position]
            for bit in 0..<7 where octet & (0x80 >> UInt8(bit)) != 0 {
                present.append((position - start) * 7 + bit + 1)
            }
            position += 1
            if octet & 1 == 0 { return (present, position) }
        }
    }

    /// Where an item of `shape` that starts at `start` ends.
    static func skip(_ shape: AsterixItemShape, in bytes: [UInt8], at start: Int, end: Int) -> Result<Int, AsterixProblem> {
        func truncated(_ what: String) -> Result<Int, AsterixProblem> {
            .failure(AsterixProblem(.truncatedItem, at: start, category: nil, what))
        }
        switch shape {
        case .fixed(let size):
            return end - start >= size ? .success(start + size) : truncated("\(size) octet(s) needed, \(end - start) left")
        case .extended(let first, let next):
            var position = start
            var size = first
            while true {
                guard end - position >= size else { return truncated("an extension runs past the block") }
                position += size
                if bytes[position - 1] & 1 == 0 { return .success(position) }
                size = next
            }
        case .repetitive(let element):
            guard start < end else { return truncated("no repetition count") }
            let count = Int(bytes[start])
            return end - start - 1 >= count * element
                ? .success(start + 1 + count * element)
                : truncated("\(count) repetition(s) of \(element) octet(s) run past the block")
        case .repetitiveFX(let element):
            var position = start
            while true {
                guard end - position >= element else { return truncated("a repetition runs past the block") }
                position += element
                if bytes[position - 1] & 1 == 0 { return .success(position) }
            }
        case .explicit:
            guard start < end else { return truncated("no length octet") }
            let length = Int(bytes[start])
            guard length >= 1 else {
                return .failure(AsterixProblem(.truncatedItem, at: start, category: nil, "an explicit length of 0"))
            }
            return end - start >= length ? .success(start + length) : truncated("explicit length \(length) runs past the block")
        case .compound(let subfields):
            guard let (present, subfieldsStart) = presenceBits(in: bytes, at: start, end: end) else {
                return .failure(AsterixProblem(.unterminatedFSPEC, at: start, category: nil,
                                               "the primary subfield has no final octet before the block ends"))
            }
            var position = subfieldsStart
            for number in present {
                guard number <= subfields.count, let subfield = subfields[number - 1] else {
                    return .failure(AsterixProblem(.unknownItem, at: position, category: nil,
                                                   "no subfield \(number) is defined: its length is unknown"))
                }
                switch skip(subfield, in: bytes, at: position, end: end) {
                case .success(let subfieldEnd): position = subfieldEnd
                case .failure(let problem): return .failure(problem)
                }
            }
            return .success(position)
        }
    }
}
