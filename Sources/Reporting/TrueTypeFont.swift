// A TrueType font read and checked for subsetting: table directory, head, maxp, hhea, hmtx, loca, glyf, cmap.
import Foundation

/// A TrueType font (`glyf` outlines) as the subsetter reads it, checked whole when it is made.
///
/// Follows the OpenType specification (ISO/IEC 14496-22, "Open Font Format"; Microsoft's OpenType 1.9):
/// the table directory, `head` (`indexToLocFormat`), `maxp` (`numGlyphs`), `hhea`
/// (`numberOfHMetrics`), `hmtx`, `loca` (short or long offsets), `glyf` (simple and composite glyphs)
/// and `cmap` (formats 4 and 12). Every offset is bounds-checked, every `loca` entry must ascend and
/// stay inside `glyf`, and every component of every composite glyph must name a glyph of the font, so
/// that a font that was read can always be subset. Checksums of the input are not checked (many
/// shipped fonts have stale ones); ``checksumProblems()`` checks them, for the subsetter's output.
///
/// CFF-outline OpenType (`OTTO`) and collections (`ttcf`) are refused: there is no `glyf` to subset.
struct TrueTypeFont: Sendable {
    /// One entry of the table directory.
    struct TableRecord: Sendable, Hashable {
        /// The tag as a big-endian number (`glyf` = 0x676C7966), which sorts as the directory must.
        var tag: UInt32
        var checksum: UInt32
        var offset: Int
        var length: Int

        /// The tag as text (`cvt ` keeps its space).
        var name: String { FontTag.name(tag) }
    }

    /// A composite glyph's component: the glyph it draws, and where its glyph index sits in the glyph's data.
    struct Component: Sendable, Hashable {
        var glyphID: Int
        /// Byte offset of the 16-bit glyph index, from the start of the composite glyph's data.
        var indexOffset: Int
    }

    /// The font file.
    let bytes: [UInt8]
    /// The sfnt version (0x00010000 or `true`).
    let sfntVersion: UInt32
    /// The table directory, in file order.
    let tableRecords: [TableRecord]
    /// `maxp.numGlyphs`.
    let numberOfGlyphs: Int
    /// `hhea.numberOfHMetrics`.
    let numberOfHMetrics: Int
    /// `head.indexToLocFormat`: 0 short (offset / 2 in 16 bits), 1 long (32 bits).
    let indexToLocFormat: Int
    /// Each glyph's bytes in ``bytes`` (empty for a glyph without an outline).
    let glyphRanges: [Range<Int>]
    /// The components of each composite glyph, by glyph id.
    let components: [Int: [Component]]
    /// Where each glyph's TrueType instructions (hinting) lie, from the start of its data: for a simple
    /// glyph its `instructionLength` field and the instructions; for a composite with
    /// WE_HAVE_INSTRUCTIONS everything after its last component. Absent for a glyph without any.
    let instructions: [Int: Range<Int>]
    /// Unicode scalar value to glyph id, from the best Unicode `cmap` subtable (glyph 0 never appears).
    let characterMap: [UInt32: Int]

    /// The tables the font must have to be subset and then accepted by browsers' font sanitisers.
    static let requiredTables = ["cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "OS/2", "post"]

    /// Reads and checks `bytes`.
    init(bytes: [UInt8]) throws(ReportingError) {
        self.bytes = bytes
        let reader = FontReader(bytes: bytes)
        sfntVersion = UInt32(try reader.u32(0))
        switch sfntVersion {
        case 0x0001_0000, FontTag.value("true"): break
        case FontTag.value("OTTO"): throw Self.invalid("CFF (PostScript) outlines, not TrueType: the subsetter needs a glyf table")
        case FontTag.value("ttcf"): throw Self.invalid("a font collection (.ttc): give one TrueType font (.ttf)")
        default: throw Self.invalid("not a TrueType font (sfnt version 0x\(String(sfntVersion, radix: 16)))")
        }
        let numTables = try reader.u16(4)
        var records: [TableRecord] = []
        for i in 0..<numTables {
            let at = 12 + 16 * i
            let record = try TableRecord(tag: UInt32(reader.u32(at)), checksum: UInt32(reader.u32(at + 4)), offset: reader.u32(at + 8),
                                         length: reader.u32(at + 12))
            guard record.offset <= bytes.count, record.length <= bytes.count - record.offset else {
                throw Self.invalid("table '\(record.name)' runs past the end of the file")
            }
            records.append(record)
        }
        tableRecords = records
        let byName = Dictionary(records.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in Self.requiredTables where byName[name] == nil { throw Self.invalid("no '\(name)' table") }
        func table(_ name: String) -> TableRecord { byName[name]! }

        // head: the magic number and the format of loca.
        let head = table("head")
        guard head.length >= 54, try reader.u32(head.offset + 12) == 0x5F0F_3CF5 else { throw Self.invalid("'head' is not a head table") }
        indexToLocFormat = try reader.u16(head.offset + 50)
        guard indexToLocFormat == 0 || indexToLocFormat == 1 else { throw Self.invalid("head.indexToLocFormat is \(indexToLocFormat)") }

        // maxp, hhea, hmtx.
        let maxp = table("maxp")
        guard maxp.length >= 6 else { throw Self.invalid("'maxp' is too short") }
        guard try reader.u32(maxp.offset) == 0x0001_0000, maxp.length >= 32 else {
            throw Self.invalid("maxp is not version 1.0 (TrueType outlines)")
        }
        numberOfGlyphs = try reader.u16(maxp.offset + 4)
        guard numberOfGlyphs > 0 else { throw Self.invalid("no glyphs") }
        let hhea = table("hhea")
        guard hhea.length >= 36 else { throw Self.invalid("'hhea' is too short") }
        numberOfHMetrics = try reader.u16(hhea.offset + 34)
        guard numberOfHMetrics >= 1, numberOfHMetrics <= numberOfGlyphs else {
            throw Self.invalid("hhea.numberOfHMetrics is \(numberOfHMetrics) for \(numberOfGlyphs) glyphs")
        }
        guard table("hmtx").length >= 4 * numberOfHMetrics + 2 * (numberOfGlyphs - numberOfHMetrics) else {
            throw Self.invalid("'hmtx' is shorter than its \(numberOfGlyphs) glyphs need")
        }

        // loca and glyf.
        let loca = table("loca"), glyf = table("glyf")
        let entrySize = indexToLocFormat == 0 ? 2 : 4
        guard loca.length >= entrySize * (numberOfGlyphs + 1) else { throw Self.invalid("'loca' is shorter than its glyphs need") }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(numberOfGlyphs)
        var previous = try indexToLocFormat == 0 ? 2 * reader.u16(loca.offset) : reader.u32(loca.offset)
        for glyph in 0..<numberOfGlyphs {
            let at = loca.offset + entrySize * (glyph + 1)
            let next = try indexToLocFormat == 0 ? 2 * reader.u16(at) : reader.u32(at)
            guard previous <= next, next <= glyf.length else {
                throw Self.invalid("loca entry \(glyph + 1) (\(next)) is out of order or past the end of glyf (\(glyf.length) bytes)")
            }
            ranges.append((glyf.offset + previous)..<(glyf.offset + next))
            previous = next
        }
        glyphRanges = ranges

        // Every composite glyph's components, and every glyph's instructions.
        var components: [Int: [Component]] = [:], instructions: [Int: Range<Int>] = [:]
        for (glyph, range) in ranges.enumerated() where !range.isEmpty {
            guard range.count >= 10 else { throw Self.invalid("glyph \(glyph) is shorter than a glyph header") }
            let contours = try reader.i16(range.lowerBound)
            if contours < 0 {
                let (parts, end, hinted) = try Self.components(of: glyph, in: range, reader: reader, numberOfGlyphs: numberOfGlyphs)
                components[glyph] = parts
                if hinted { instructions[glyph] = (end - range.lowerBound)..<range.count }
            } else {
                let at = range.lowerBound + 10 + 2 * contours  // instructionLength, after endPtsOfContours
                let length = try reader.u16(at)
                guard at + 2 + length <= range.upperBound else { throw Self.invalid("glyph \(glyph)'s instructions run past its end") }
                if length > 0 { instructions[glyph] = (at - range.lowerBound)..<(at + 2 + length - range.lowerBound) }
            }
        }
        self.components = components
        self.instructions = instructions
        characterMap = try Self.characterMap(table("cmap"), reader: reader, numberOfGlyphs: numberOfGlyphs)
    }

    /// The table record named `name` (`"glyf"`, `"OS/2"`, `"cvt "`).
    func record(_ name: String) -> TableRecord? { tableRecords.first { $0.name == name } }

    /// The bytes of the table named `name`.
    func table(_ name: String) -> ArraySlice<UInt8>? {
        record(name).map { bytes[$0.offset..<($0.offset + $0.length)] }
    }

    /// The glyph `scalar` maps to, if the font has one.
    func glyphID(for scalar: Unicode.Scalar) -> Int? { characterMap[scalar.value] }

    /// Whether glyph `glyph` has an outline (a non-empty `glyf` entry).
    func hasOutline(_ glyph: Int) -> Bool { !glyphRanges[glyph].isEmpty }

    /// Advance width and left side bearing of `glyph` from `hmtx` (glyphs past `numberOfHMetrics`
    /// take the last advance).
    func horizontalMetrics(_ glyph: Int) -> (advance: UInt16, leftSideBearing: UInt16) {
        let hmtx = record("hmtx")!.offset
        let metric = min(glyph, numberOfHMetrics - 1)
        let advance = UInt16(bytes[hmtx + 4 * metric]) << 8 | UInt16(bytes[hmtx + 4 * metric + 1])
        let lsbAt = glyph < numberOfHMetrics ? hmtx + 4 * glyph + 2 : hmtx + 4 * numberOfHMetrics + 2 * (glyph - numberOfHMetrics)
        return (advance, UInt16(bytes[lsbAt]) << 8 | UInt16(bytes[lsbAt + 1]))
    }

    /// What is wrong with the checksums: each table's (`head` summed with its `checkSumAdjustment`
    /// as zero), and `head.checkSumAdjustment` against the whole file. Empty when all are right.
    func checksumProblems() -> [String] {
        var problems: [String] = []
        for record in tableRecords {
            var table = Array(bytes[record.offset..<(record.offset + record.length)])
            if record.name == "head", table.count >= 12 { table.replaceSubrange(8..<12, with: [0, 0, 0, 0]) }
            let sum = Self.checksum(table[...])
            if sum != record.checksum {
                problems.append("table '\(record.name)': checksum 0x\(String(record.checksum, radix: 16)), computed 0x\(String(sum, radix: 16))")
            }
        }
        if let head = record("head"), head.length >= 12 {
            var whole = bytes
            let adjustment = UInt32(bytes[head.offset + 8]) << 24 | UInt32(bytes[head.offset + 9]) << 16
                | UInt32(bytes[head.offset + 10]) << 8 | UInt32(bytes[head.offset + 11])
            whole.replaceSubrange((head.offset + 8)..<(head.offset + 12), with: [0, 0, 0, 0])
            let expected = 0xB1B0_AFBA &- Self.checksum(whole[...])
            if adjustment != expected {
                problems.append("head.checkSumAdjustment 0x\(String(adjustment, radix: 16)), expected 0x\(String(expected, radix: 16))")
            }
        }
        return problems
    }

    /// The OpenType table checksum: the sum, modulo 2³², of the data as big-endian 32-bit words, the
    /// last one padded with zeros.
    static func checksum(_ data: ArraySlice<UInt8>) -> UInt32 {
        var sum: UInt32 = 0
        var index = data.startIndex
        while index < data.endIndex {
            var word: UInt32 = 0
            for k in 0..<4 { word = word << 8 | UInt32(index + k < data.endIndex ? data[index + k] : 0) }
            sum = sum &+ word
            index += 4
        }
        return sum
    }

    // MARK: Reading

    /// The components of composite glyph `glyph`: flags, glyph index, two arguments (bytes or words)
    /// and an optional scale, x/y scale or 2×2 matrix, repeated while MORE_COMPONENTS is set; where
    /// they end, and whether instructions follow them (WE_HAVE_INSTRUCTIONS).
    private static func components(of glyph: Int, in range: Range<Int>, reader: FontReader, numberOfGlyphs: Int)
        throws(ReportingError) -> (components: [Component], end: Int, hinted: Bool) {
        var components: [Component] = []
        var at = range.lowerBound + 10
        var hinted = false
        while true {
            guard at + 4 <= range.upperBound else { throw invalid("composite glyph \(glyph) runs past its end") }
            let flags = try reader.u16(at)
            let component = try reader.u16(at + 2)
            guard component < numberOfGlyphs else { throw invalid("composite glyph \(glyph) names glyph \(component) of \(numberOfGlyphs)") }
            components.append(Component(glyphID: component, indexOffset: at + 2 - range.lowerBound))
            if flags & CompositeFlag.haveInstructions != 0 { hinted = true }
            at += 4 + (flags & CompositeFlag.argumentsAreWords != 0 ? 4 : 2)
            if flags & CompositeFlag.haveScale != 0 {
                at += 2
            } else if flags & CompositeFlag.haveXYScale != 0 {
                at += 4
            } else if flags & CompositeFlag.haveTwoByTwo != 0 {
                at += 8
            }
            guard at <= range.upperBound else { throw invalid("composite glyph \(glyph) runs past its end") }
            if flags & CompositeFlag.moreComponents == 0 { return (components, at, hinted) }
        }
    }

    /// Scalar → glyph from the best Unicode subtable: format 12 (3,10) or (0,*) before format 4
    /// (3,1) or (0,*). Glyph ids past the font's glyphs are left out.
    private static func characterMap(_ cmap: TableRecord, reader: FontReader, numberOfGlyphs: Int) throws(ReportingError) -> [UInt32: Int] {
        let end = cmap.offset + cmap.length
        let count = try reader.u16(cmap.offset + 2)
        var best: (rank: Int, offset: Int)?
        for i in 0..<count {
            let at = cmap.offset + 4 + 8 * i
            guard at + 8 <= end else { throw invalid("the cmap's encoding records run past its end") }
            let platform = try reader.u16(at), encoding = try reader.u16(at + 2), offset = try cmap.offset + reader.u32(at + 4)
            guard offset + 2 <= end else { throw invalid("a cmap subtable lies past the cmap's end") }
            let format = try reader.u16(offset)
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
            let rank = switch (unicode, format) {
            case (true, 12): 2
            case (true, 4): 1
            default: 0
            }
            if rank > 0, rank > (best?.rank ?? 0) { best = (rank, offset) }
        }
        guard let best else { throw invalid("no Unicode cmap subtable of format 4 or 12") }
        var map: [UInt32: Int] = [:]
        if best.rank == 2 {
            var mapped = 0
            let groups = try reader.u32(best.offset + 12)
            guard best.offset + 16 + 12 * groups <= end else { throw invalid("the cmap format 12 groups run past its end") }
            for g in 0..<groups {
                let at = best.offset + 16 + 12 * g
                let first = try reader.u32(at), last = try reader.u32(at + 4), glyph = try reader.u32(at + 8)
                guard first <= last, last <= 0x10FFFF else { throw invalid("cmap format 12 group \(first)…\(last) is not Unicode") }
                mapped += last - first + 1
                guard mapped <= 0x110000 else { throw invalid("the cmap format 12 groups map more codes than Unicode has") }
                for code in first...last {
                    let id = glyph + (code - first)
                    if id > 0, id < numberOfGlyphs { map[UInt32(code)] = id }
                }
            }
        } else {
            let segments = try reader.u16(best.offset + 6) / 2
            let ends = best.offset + 14, starts = ends + 2 * segments + 2
            let deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments
            guard rangeOffsets + 2 * segments <= end else { throw invalid("the cmap format 4 segments run past its end") }
            for s in 0..<segments {
                let last = try reader.u16(ends + 2 * s), first = try reader.u16(starts + 2 * s)
                let delta = try reader.u16(deltas + 2 * s), rangeOffset = try reader.u16(rangeOffsets + 2 * s)
                guard first <= last else { continue }
                for code in first...last where code != 0xFFFF {
                    var id: Int
                    if rangeOffset == 0 {
                        id = (code + delta) & 0xFFFF
                    } else {
                        let at = rangeOffsets + 2 * s + rangeOffset + 2 * (code - first)
                        guard at + 2 <= end else { throw invalid("cmap format 4 segment \(s) points past the cmap's end") }
                        id = try reader.u16(at)
                        if id != 0 { id = (id + delta) & 0xFFFF }
                    }
                    if id > 0, id < numberOfGlyphs { map[UInt32(code)] = id }
                }
            }
        }
        return map
    }

    static func invalid(_ message: String) -> ReportingError {
        ReportingError(code: .invalidFont, message: "not a usable TrueType font: \(message)")
    }
}

/// Flags of a composite glyph's component (OpenType `glyf`, "Composite glyph description").
enum CompositeFlag {
    static let argumentsAreWords = 0x0001
    static let haveScale = 0x0008
    static let moreComponents = 0x0020
    static let haveXYScale = 0x0040
    static let haveTwoByTwo = 0x0080
    static let haveInstructions = 0x0100
}

/// Four-character table tags as the big-endian numbers the directory sorts by.
enum FontTag {
    static func value(_ name: String) -> UInt32 {
        precondition(name.utf8.count == 4, "a tag has four characters")
        return name.utf8.reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func name(_ tag: UInt32) -> String {
        String(decoding: [UInt8(tag >> 24), UInt8(tag >> 16 & 0xFF), UInt8(tag >> 8 & 0xFF), UInt8(tag & 0xFF)], as: UTF8.self)
    }
}

/// Bounds-checked big-endian reads from a font file.
struct FontReader {
    let bytes: [UInt8]

    func u16(_ at: Int) throws(ReportingError) -> Int {
        guard at >= 0, at + 2 <= bytes.count else { throw TrueTypeFont.invalid("a read at byte \(at) is past the end of the file") }
        return Int(bytes[at]) << 8 | Int(bytes[at + 1])
    }

    func i16(_ at: Int) throws(ReportingError) -> Int {
        let value = try u16(at)
        return value >= 0x8000 ? value - 0x10000 : value
    }

    func u32(_ at: Int) throws(ReportingError) -> Int {
        guard at >= 0, at + 4 <= bytes.count else { throw TrueTypeFont.invalid("a read at byte \(at) is past the end of the file") }
        return Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }
}
