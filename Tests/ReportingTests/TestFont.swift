// A small TrueType font built byte by byte for the subsetter's tests, and the Nanum font when installed.
import Foundation
@testable import Reporting

/// Fonts for the tests: ``make()`` builds one with simple and composite glyphs (one with a scale, two
/// that name each other, two with instructions), a format 4 and a format 12 `cmap`, a `kern`, hinting
/// tables, and an editor table to drop.
enum TestFont {
    /// Characters of the built font: A (glyph 1, simple), B (2, composite of 1 and 3), C (4, simple),
    /// D (5, composite of 4 with a scale), 😀 (6, composite of 7, which names 6 back: a cycle).
    static let mapping: [UInt32: Int] = [0x41: 1, 0x42: 2, 0x43: 4, 0x44: 5, 0x1F600: 6]
    static let numberOfGlyphs = 8

    /// NanumGothic, when `fonts-nanum` is installed.
    static let nanumPath = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
    static var nanumInstalled: Bool { FileManager.default.fileExists(atPath: nanumPath) }

    /// The font's bytes.
    static func make() -> Data {
        // Glyphs: 0 .notdef, 1 simple, 2 composite(1, 3), 3 simple (component only), 4 simple,
        // 5 composite(4 scaled), 6 composite(7), 7 composite(6).
        var glyphs: [[UInt8]] = []
        for id in 0..<numberOfGlyphs {
            switch id {
            case 2: glyphs.append(composite([(1, 0), (3, 0)]))
            case 3: glyphs.append(simple(seed: id, instructions: [0xB0, 0x05]))
            case 5: glyphs.append(composite([(4, 0x0008)], instructions: [0xB0, 0x07, 0xB0, 0x01]))
            case 6: glyphs.append(composite([(7, 0)]))
            case 7: glyphs.append(composite([(6, 0)]))
            default: glyphs.append(simple(seed: id))
            }
        }
        var glyf: [UInt8] = [], loca: [UInt8] = []
        for glyph in glyphs {
            loca += u32(glyf.count)
            glyf += glyph
        }
        loca += u32(glyf.count)
        var hmtx: [UInt8] = []
        for id in 0..<numberOfGlyphs { hmtx += u16(500 + 10 * id) + u16(id) }

        var head = [UInt8](repeating: 0, count: 54)
        head.replaceSubrange(0..<4, with: u32(0x0001_0000))
        head.replaceSubrange(12..<16, with: u32(0x5F0F_3CF5))
        head.replaceSubrange(18..<20, with: u16(1000))  // unitsPerEm
        head.replaceSubrange(50..<52, with: u16(1))  // long loca
        var hhea = [UInt8](repeating: 0, count: 36)
        hhea.replaceSubrange(0..<4, with: u32(0x0001_0000))
        hhea.replaceSubrange(34..<36, with: u16(numberOfGlyphs))
        var maxp = [UInt8](repeating: 0, count: 32)
        maxp.replaceSubrange(0..<4, with: u32(0x0001_0000))
        maxp.replaceSubrange(4..<6, with: u16(numberOfGlyphs))
        let os2 = u16(1) + [UInt8](repeating: 0, count: 84)
        let post = u32(0x0003_0000) + [UInt8](repeating: 0, count: 28)
        let family = Array("Test Sans".utf16).flatMap { u16(Int($0)) }
        let name = u16(0) + u16(1) + u16(18) + u16(3) + u16(1) + u16(0x409) + u16(1) + u16(family.count) + u16(0) + family
        let kern = u16(0) + u16(1) + u16(0) + u16(14 + 6 * 3) + u16(1) + u16(3) + u16(12) + u16(1) + u16(6)
            + u16(1) + u16(2) + u16(0xFFF6) + u16(1) + u16(4) + u16(0xFFEC) + u16(2) + u16(4) + u16(5)

        return Data(build([("cmap", cmap()), ("glyf", glyf), ("head", head), ("hhea", hhea), ("hmtx", hmtx), ("loca", loca),
                           ("maxp", maxp), ("OS/2", os2), ("post", post), ("name", name), ("kern", kern),
                           ("TSI1", [1, 2, 3, 4, 5]), ("fpgm", [0xB0, 0x00]), ("prep", [0xB0, 0x01])]))
    }

    /// A simple glyph of one contour whose points depend on `seed`, with `instructions`.
    static func simple(seed: Int, instructions: [UInt8] = []) -> [UInt8] {
        var glyph = u16(1) + u16(0) + u16(0) + u16(100 + seed) + u16(100 + seed)
        glyph += u16(2) + u16(instructions.count) + instructions  // endPtsOfContours[0] = 2
        glyph += [0x37, 0x37, 0x37]  // on curve, x and y short and positive
        glyph += [UInt8(10 + seed), UInt8(20 + seed), UInt8(30 + seed), UInt8(5), UInt8(seed), UInt8(7)]
        return glyph
    }

    /// A composite glyph of `parts` (glyph, extra flags), each offset by word arguments, then `instructions`.
    static func composite(_ parts: [(glyph: Int, flags: Int)], instructions: [UInt8] = []) -> [UInt8] {
        var glyph = u16(0xFFFF) + u16(0) + u16(0) + u16(200) + u16(200)
        for (index, part) in parts.enumerated() {
            let last = index == parts.count - 1
            let more = last ? 0 : 0x0020, hinted = last && !instructions.isEmpty ? 0x0100 : 0
            glyph += u16(0x0001 | 0x0002 | more | hinted | part.flags) + u16(part.glyph) + u16(3 * index) + u16(0)
            if part.flags & 0x0008 != 0 { glyph += u16(0x2000) }  // scale 0.5 (F2Dot14)
        }
        return instructions.isEmpty ? glyph : glyph + u16(instructions.count) + instructions
    }

    /// `cmap`: (3,1) format 4 with A–D (A–C by idDelta, D through glyphIdArray) and (3,10) format 12 with all.
    static func cmap() -> [UInt8] {
        // Segments: 0x41–0x43 → glyphs 1, 2, 4 (glyphIdArray), 0x44 → 5 (delta), 0xFFFF.
        let format4Body = u16(0x43) + u16(0x44) + u16(0xFFFF) + u16(0)  // endCodes, reservedPad
            + u16(0x41) + u16(0x44) + u16(0xFFFF)  // startCodes
            + u16(0) + u16((5 - 0x44) & 0xFFFF) + u16(1)  // idDeltas
            + u16(6) + u16(0) + u16(0)  // idRangeOffsets: the first points 6 bytes on, at glyphIdArray[0]
            + u16(1) + u16(2) + u16(4)  // glyphIdArray
        let format4 = u16(4) + u16(14 + format4Body.count) + u16(0) + u16(6) + u16(4) + u16(1) + u16(2) + format4Body
        let groups: [(UInt32, UInt32, Int)] = [(0x41, 0x42, 1), (0x43, 0x44, 4), (0x1F600, 0x1F600, 6)]
        var format12 = u16(12) + u16(0) + u32(16 + 12 * groups.count) + u32(0) + u32(groups.count)
        for (first, last, glyph) in groups { format12 += u32(Int(first)) + u32(Int(last)) + u32(glyph) }
        return u16(0) + u16(2) + u16(3) + u16(1) + u32(20) + u16(3) + u16(10) + u32(20 + format4.count) + format4 + format12
    }

    /// A font file of `tables`: directory sorted by tag, tables 4-byte aligned (checksums left zero:
    /// the reader does not check its input's).
    static func build(_ tables: [(String, [UInt8])]) -> [UInt8] {
        let sorted = tables.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        var file = u32(0x0001_0000) + u16(sorted.count) + u16(0) + u16(0) + u16(0)
        var offset = 12 + 16 * sorted.count
        for (tag, data) in sorted {
            file += Array(tag.utf8) + u32(0) + u32(offset) + u32(data.count)
            offset += (data.count + 3) / 4 * 4
        }
        for (_, data) in sorted { file += data + [UInt8](repeating: 0, count: (4 - data.count % 4) % 4) }
        return file
    }

    static func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func u32(_ v: Int) -> [UInt8] { u16(v >> 16 & 0xFFFF) + u16(v & 0xFFFF) }
}
