// The TrueType subsetter: its output read back by the same parser, on a built font and on NanumGothic.
import Testing
import Foundation
@testable import Reporting

@Suite("TrueType subsetter")
struct TrueTypeSubsetterTests {
    static func scalars(_ text: String) -> Set<Unicode.Scalar> { Set(text.unicodeScalars) }

    /// The checks every subset must pass: it parses, its checksums are right, its directory is sorted
    /// and 4-byte aligned, and it has only the tables a browser needs.
    static func checkStructure(_ font: TrueTypeFont) throws {
        #expect(font.checksumProblems() == [])
        let tags = font.tableRecords.map(\.tag)
        #expect(tags == tags.sorted() && Set(tags).count == tags.count)
        for record in font.tableRecords { #expect(record.offset % 4 == 0, "table \(record.name) not 4-byte aligned") }
        #expect(font.bytes.count % 4 == 0)
        let numTables = font.tableRecords.count
        let reader = FontReader(bytes: font.bytes)
        var power = 1
        while power * 2 <= numTables { power *= 2 }
        #expect(try reader.u16(6) == 16 * power && reader.u16(10) == 16 * numTables - 16 * power)
        let allowed: Set<String> = ["cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "OS/2", "post", "cvt ", "fpgm", "prep",
                                    "gasp", "kern", "GDEF", "GSUB", "GPOS"]
        for record in font.tableRecords { #expect(allowed.contains(record.name), "unexpected table \(record.name)") }
    }

    /// Whether glyph `new` of `subset` draws what glyph `old` of `source` does: the same bytes (the
    /// subset's followed by at most 3 bytes of zero padding), with each component's index read as that
    /// component's own drawing, recursively; `hinted: false` expects the source's instructions gone.
    static func sameOutline(_ new: Int, of subset: TrueTypeFont, as old: Int, of source: TrueTypeFont, hinted: Bool = false) -> Bool {
        var mine = Array(subset.bytes[subset.glyphRanges[new]]), theirs = Array(source.bytes[source.glyphRanges[old]])
        if !hinted, !theirs.isEmpty {
            let contours = Int(Int16(bitPattern: UInt16(theirs[0]) << 8 | UInt16(theirs[1])))
            if contours >= 0 {  // instructionLength after endPtsOfContours, read here on its own
                let at = 10 + 2 * contours, length = Int(theirs[at]) << 8 | Int(theirs[at + 1])
                theirs.replaceSubrange(at..<(at + 2 + length), with: [0, 0])
            } else if let range = source.instructions[old] {
                theirs.removeSubrange(range)
                for part in source.components[old]! { theirs[part.indexOffset - 2] &= ~0x01 }
            }
        }
        guard mine.count >= theirs.count, mine.count - theirs.count <= 3, mine[theirs.count...].allSatisfy({ $0 == 0 }) else { return false }
        mine.removeLast(mine.count - theirs.count)
        let mineParts = subset.components[new] ?? [], theirParts = source.components[old] ?? []
        guard mineParts.map(\.indexOffset) == theirParts.map(\.indexOffset) else { return false }
        for (a, b) in zip(mineParts, theirParts) {
            guard sameOutline(a.glyphID, of: subset, as: b.glyphID, of: source, hinted: hinted) else { return false }
            mine[a.indexOffset] = theirs[b.indexOffset]
            mine[a.indexOffset + 1] = theirs[b.indexOffset + 1]
        }
        return mine == theirs
    }

    @Test("The built font parses: glyphs, components, both cmap formats")
    func parsesBuiltFont() throws {
        let font = try TrueTypeFont(bytes: Array(TestFont.make()))
        #expect(font.numberOfGlyphs == TestFont.numberOfGlyphs)
        #expect(font.characterMap.mapValues { $0 } == TestFont.mapping)
        #expect(font.components[2]?.map(\.glyphID) == [1, 3])
        #expect(font.components[5]?.map(\.glyphID) == [4])
        #expect(font.components[6]?.map(\.glyphID) == [7] && font.components[7]?.map(\.glyphID) == [6])
        #expect(font.components[1] == nil)
    }

    @Test("Compact numbering keeps .notdef, the used glyphs and their components, renumbered; checksums hold")
    func compactSubset() throws {
        let source = try TrueTypeFont(bytes: Array(TestFont.make()))
        let data = try TrueTypeSubsetter(fontData: TestFont.make()).subset(keeping: Self.scalars("BD"))
        let subset = try TrueTypeFont(bytes: Array(data))
        try Self.checkStructure(subset)
        // .notdef, B, D, then B's components (1, 3) and D's (4).
        #expect(subset.numberOfGlyphs == 6)
        #expect(subset.characterMap == [0x42: 1, 0x44: 2])
        #expect(subset.components[1]?.map(\.glyphID) == [3, 4])
        #expect(subset.components[2]?.map(\.glyphID) == [5])
        for (new, old) in [0, 2, 5, 1, 3, 4].enumerated() { #expect(Self.sameOutline(new, of: subset, as: old, of: source)) }
        #expect(subset.record("TSI1") == nil)
        // The kern pairs (1,2), (1,4), (2,4) renumbered (1→3, 2→1, 4→5) and sorted: (1,5), (3,1), (3,5).
        let kern = FontReader(bytes: Array(try #require(subset.table("kern"))))
        #expect(try kern.u16(10) == 3)
        #expect(try [18, 20, 24, 26, 30, 32].map(kern.u16) == [1, 5, 3, 1, 3, 5])
    }

    @Test("Hinting is dropped by default (instructions, fpgm, prep, maxp limits) and kept when asked for")
    func hinting() throws {
        let source = try TrueTypeFont(bytes: Array(TestFont.make()))
        #expect(source.instructions.keys.sorted() == [3, 5])
        let subsetter = try TrueTypeSubsetter(fontData: TestFont.make())
        let plain = try TrueTypeFont(bytes: Array(subsetter.subset(keeping: Self.scalars("BD"))))
        #expect(plain.instructions.isEmpty && plain.record("fpgm") == nil && plain.record("prep") == nil)
        #expect(try FontReader(bytes: Array(plain.table("maxp")!)).u16(26) == 0)
        let hinted = try TrueTypeFont(bytes: Array(subsetter.subset(keeping: Self.scalars("BD"), keepHinting: true)))
        #expect(hinted.instructions.count == 2 && hinted.record("fpgm") != nil && hinted.record("prep") != nil)
        for (new, old) in [0, 2, 5, 1, 3, 4].enumerated() {
            #expect(Self.sameOutline(new, of: plain, as: old, of: source))
            #expect(Self.sameOutline(new, of: hinted, as: old, of: source, hinted: true))
        }
    }

    @Test("Preserved numbering keeps every glyph id, with the unused glyphs empty")
    func preservedSubset() throws {
        let data = try TrueTypeSubsetter(fontData: TestFont.make()).subset(keeping: Self.scalars("B"), numbering: .preserved)
        let subset = try TrueTypeFont(bytes: Array(data))
        try Self.checkStructure(subset)
        #expect(subset.numberOfGlyphs == TestFont.numberOfGlyphs)
        #expect(subset.characterMap == [0x42: 2])
        for glyph in 0..<TestFont.numberOfGlyphs { #expect(subset.hasOutline(glyph) == [0, 1, 2, 3].contains(glyph), "glyph \(glyph)") }
        #expect(subset.components[2]?.map(\.glyphID) == [1, 3])
    }

    @Test("A character beyond the BMP gets a format 12 subtable; a composite cycle ends")
    func beyondBMP() throws {
        let data = try TrueTypeSubsetter(fontData: TestFont.make()).subset(keeping: Self.scalars("A😀"))
        let subset = try TrueTypeFont(bytes: Array(data))
        try Self.checkStructure(subset)
        #expect(subset.characterMap == [0x41: 1, 0x1F600: 2])
        #expect(subset.numberOfGlyphs == 4)  // .notdef, A, 😀 and the glyph it and its component name each other through
        let cmap = FontReader(bytes: Array(try #require(subset.table("cmap"))))
        #expect(try cmap.u16(2) == 2 && cmap.u16(12) == 3 && cmap.u16(14) == 10)
    }

    @Test("Characters the font lacks are left out of the cmap, for the next font to draw")
    func missingCharacters() throws {
        let data = try TrueTypeSubsetter(fontData: TestFont.make()).subset(keeping: Self.scalars("AZ한"))
        let subset = try TrueTypeFont(bytes: Array(data))
        #expect(subset.characterMap == [0x41: 1])
        #expect(subset.numberOfGlyphs == 2)
    }

    @Test("A font the subsetter cannot use is refused with a reason")
    func refusesOtherFonts() throws {
        let cff = Data([0x4F, 0x54, 0x54, 0x4F, 0, 0, 0, 0, 0, 0, 0, 0])
        let cffError = #expect(throws: ReportingError.self) { try TrueTypeSubsetter(fontData: cff) }
        #expect(cffError?.message.contains("CFF") == true && cffError?.code == .invalidFont)
        let collection = #expect(throws: ReportingError.self) { try TrueTypeSubsetter(fontData: Data("ttcf".utf8) + Data(count: 8)) }
        #expect(collection?.message.contains("collection") == true)
        let font = TestFont.make()
        for cut in [0, 11, 40, font.count / 2, font.count - 9] {
            #expect(throws: ReportingError.self) { try TrueTypeSubsetter(fontData: font.prefix(cut)) }
        }
        var noCmap = Array(font)
        let at = try #require(try TrueTypeFont(bytes: noCmap).tableRecords.firstIndex { $0.name == "cmap" })
        noCmap.replaceSubrange((12 + 16 * at)..<(12 + 16 * at + 4), with: Array("cmaq".utf8))
        let missing = #expect(throws: ReportingError.self) { try TrueTypeSubsetter(fontData: Data(noCmap)) }
        #expect(missing?.message.contains("no 'cmap' table") == true)
    }

    @Test("Renaming writes the new family, keeps the notices, and drops the reserved name from the primary names")
    func renaming() throws {
        let data = try TrueTypeSubsetter(fontData: TestFont.make())
            .subset(keeping: Self.scalars("A"), naming: .init(family: "HaechiKR", licence: "OFL notice", licenceURL: "https://example.org"))
        let subsetter = try TrueTypeSubsetter(fontData: data)
        #expect(subsetter.nameString(1) == "HaechiKR" && subsetter.nameString(6) == "HaechiKR-Regular")
        #expect(subsetter.nameString(13) == "OFL notice" && subsetter.nameString(14) == "https://example.org")
        #expect(subsetter.nameString(10)?.contains("Test Sans") == true)
    }

    @Test("The cmap writer: runs by idDelta or glyphIdArray, and format 12 when format 4 would overflow")
    func characterMapWriter() throws {
        // Every other BMP character from 0x100: 30 000 one-character segments, more than format 4 holds.
        let sparse = (0..<30_000).map { (UInt32(0x100 + 2 * $0), 1 + $0) }
        let dense = [(UInt32(0x41), 7), (0x42, 8), (0x43, 9), (0x61, 3), (0x62, 1)]
        for mappings in [dense, sparse] {
            var glyf = [UInt8](), loca = [UInt8](), hmtx = [UInt8]()
            let glyphs = (mappings.map(\.1).max() ?? 0) + 1
            for id in 0..<glyphs { loca += TestFont.u32(glyf.count); glyf += TestFont.simple(seed: id % 200); hmtx += [0, 1, 0, 0] }
            loca += TestFont.u32(glyf.count)
            let source = try TrueTypeFont(bytes: Array(TestFont.make()))
            var maxp = Array(source.table("maxp")!), hhea = Array(source.table("hhea")!)
            maxp.replaceSubrange(4..<6, with: TestFont.u16(glyphs))
            hhea.replaceSubrange(34..<36, with: TestFont.u16(glyphs))
            var tables = ["head", "OS/2", "post", "name"].map { ($0, Array(source.table($0)!)) }
            tables += [("cmap", TrueTypeSubsetter.characterMapTable(mappings)), ("glyf", glyf), ("loca", loca), ("hmtx", hmtx),
                       ("maxp", maxp), ("hhea", hhea)]
            let font = try TrueTypeFont(bytes: TestFont.build(tables))
            #expect(font.characterMap == Dictionary(uniqueKeysWithValues: mappings.map { ($0.0, $0.1) }))
        }
    }

    // MARK: NanumGothic

    @Test("NanumGothic cut to a bilingual report: every character it has keeps its outline, the rest are gone",
          .enabled(if: TestFont.nanumInstalled, "fonts-nanum is not installed"))
    func nanumReport() throws {
        let source = try TrueTypeFont(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: TestFont.nanumPath))))
        let text = HTMLReportRenderer(language: .both).render(SampleReport.make())
        let wanted = ReportFont.scalars(in: text)
        let font = try ReportFont(contentsOfFile: TestFont.nanumPath)
        let data = font.subset(for: text)
        let subset = try TrueTypeFont(bytes: Array(data))
        try Self.checkStructure(subset)
        #expect(data.count < 100_000, "the subset is \(data.count) bytes")
        #expect(subset.record("TSI0") == nil && subset.record("TSI1") == nil)
        var hangul = 0
        for scalar in wanted {
            let old = source.glyphID(for: scalar)
            let new = subset.glyphID(for: scalar)
            #expect((old == nil) == (new == nil), "U+\(String(scalar.value, radix: 16))")
            guard let old, let new else { continue }
            #expect(subset.hasOutline(new) == source.hasOutline(old), "U+\(String(scalar.value, radix: 16))")
            if (0xAC00...0xD7A3).contains(scalar.value) {
                hangul += 1
                #expect(subset.hasOutline(new))
            }
            // The same bytes (a composite's with its component indices read as what they name).
            #expect(Self.sameOutline(new, of: subset, as: old, of: source), "U+\(String(scalar.value, radix: 16))")
        }
        #expect(hangul > 100)
        // Only what is used: every glyph of the subset is .notdef, mapped, or a component.
        let mapped = Set(subset.characterMap.values), components = Set(subset.components.values.flatMap { $0.map(\.glyphID) })
        for glyph in 1..<subset.numberOfGlyphs { #expect(mapped.contains(glyph) || components.contains(glyph)) }
        let name = try TrueTypeSubsetter(fontData: data)
        #expect(name.nameString(1) == ReportFont.familyName)
        #expect(name.nameString(13)?.contains("SIL Open Font License") == true)
        #expect(name.nameString(0)?.contains("NHN") == true)
    }

    @Test("NanumGothic with preserved glyph ids and hinting: unused glyphs empty, used ones as they were",
          .enabled(if: TestFont.nanumInstalled, "fonts-nanum is not installed"))
    func nanumPreserved() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: TestFont.nanumPath))
        let source = try TrueTypeFont(bytes: Array(bytes))
        let text = "시험성적서 쪽 Test 123"
        let data = try TrueTypeSubsetter(fontData: bytes).subset(keeping: ReportFont.scalars(in: text), numbering: .preserved,
                                                                  keepHinting: true)
        let subset = try TrueTypeFont(bytes: Array(data))
        try Self.checkStructure(subset)
        #expect(subset.numberOfGlyphs == source.numberOfGlyphs)
        let kept = Set(try TrueTypeSubsetter(fontData: bytes).keptGlyphs(for: ReportFont.scalars(in: text)))
        for glyph in 0..<source.numberOfGlyphs {
            if kept.contains(glyph) {
                #expect(Self.sameOutline(glyph, of: subset, as: glyph, of: source, hinted: true))
            } else if subset.hasOutline(glyph) {
                Issue.record("glyph \(glyph) is not used but has an outline")
            }
        }
        for scalar in "시험성적서쪽".unicodeScalars { #expect(subset.glyphID(for: scalar) == source.glyphID(for: scalar)) }
    }
}
