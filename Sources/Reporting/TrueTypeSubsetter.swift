// Cuts a TrueType font down to the glyphs one document uses, so that it can travel inside the document.
public import Foundation

/// Subsets a TrueType font to the characters of one document, for embedding (written from the
/// OpenType specification, ISO/IEC 14496-22; no other subsetter's code).
///
/// What is kept: glyph 0 (`.notdef`), the glyph each requested character maps to, and, recursively,
/// the components of every composite glyph kept (most Hangul syllables of Nanum fonts are composites).
/// What is written:
/// - `glyf` and `loca`: the kept glyphs' outlines and instructions, unchanged but for the component
///   indices of composites, each padded to 4 bytes; `loca` short when `glyf` fits in 128 KiB.
/// - `cmap`: a new (3,1) format 4 subtable with only the requested characters the font has, and a
///   (3,10) format 12 subtable as well when a character lies beyond the BMP. A character the subset
///   does not map is thus left to the browser's next font, never drawn blank.
/// - `hmtx`, `hhea.numberOfHMetrics`, `maxp.numGlyphs`: for the new glyph count; `OS/2`'s first and
///   last character index; `post` as format 3 (no glyph names); `kern` format 0 pairs of kept glyphs.
/// - `head`: `indexToLocFormat`, and `checkSumAdjustment` so that the whole file sums to 0xB1B0AFBA;
///   every table's checksum; the directory sorted by tag with its binary-search fields; each table
///   4-byte aligned.
/// - `name`: copied, or with ``Naming`` rewritten under a new family name (a font licence may reserve
///   the original's name for unmodified versions, as the SIL OFL's Reserved Font Names do).
/// - Hinting: dropped unless asked for (the glyphs' instructions, `cvt `, `fpgm`, `prep`; `maxp`'s
///   limits for them zeroed). It is about 40 % of NanumGothic's glyph bytes, and it changes only how
///   small text is fitted to a screen's pixels on some systems, never print or PDF.
/// - `gasp` is copied. Every other table is dropped: those that
///   grow with the glyph data (`hdmx`, `LTSH`, `VDMX`, `vmtx`), signatures (`DSIG`, invalid once the
///   font changes) and editor data (`TSI0`…`TSI5`, `FFTM`). `GSUB`, `GPOS` and `GDEF` name glyph ids,
///   so they are kept only with ``GlyphNumbering/preserved``; Hangul needs none of them.
///
/// - Complexity: O(n + g + c), for n font bytes read once when made; then per subset g kept glyph
///   bytes and c characters.
public struct TrueTypeSubsetter: Sendable {
    /// How the subset numbers its glyphs.
    public enum GlyphNumbering: Sendable, Hashable {
        /// The kept glyphs only, numbered from 0 (`.notdef`), then in the order of the first character
        /// each draws, then components: `hmtx` and `loca` shrink with the subset. The default: for
        /// NanumGothic (20 138 glyphs) it saves about 120 KB of `hmtx` and `loca` against `.preserved`.
        case compact
        /// Every glyph id of the source, with the glyphs not kept left without an outline (equal `loca`
        /// entries); `hmtx` is copied, and `GSUB`, `GPOS` and `GDEF` stay valid and are kept.
        case preserved
    }

    /// A new family name for the subset's `name` table, and the notices it carries.
    public struct Naming: Sendable, Hashable {
        /// The family name (name ID 1; 4 and 6 are made from it).
        public var family: String
        /// A licence notice (name ID 13) and its address (name ID 14); `nil` copies the source's.
        public var licence: String?
        public var licenceURL: String?

        /// A naming under `family`, with the licence notice given or the source's own.
        public init(family: String, licence: String? = nil, licenceURL: String? = nil) {
            self.family = family
            self.licence = licence
            self.licenceURL = licenceURL
        }
    }

    let font: TrueTypeFont

    /// Reads `fontData`, a TrueType font (`.ttf`), and checks every table the subsetter uses.
    /// - Throws: ``ReportingError/Code/invalidFont`` when it is not one (CFF outlines, a collection, a
    ///   damaged table), saying what is wrong.
    public init(fontData: Data) throws(ReportingError) {
        font = try TrueTypeFont(bytes: Array(fontData))
    }

    /// The number of glyphs in the source font.
    public var numberOfGlyphs: Int { font.numberOfGlyphs }

    /// The source font's full name (name ID 4), or its family name, if it has one in English or Latin.
    public var fullName: String? { nameString(4) ?? nameString(1) }

    /// The characters of `scalars` the font has a glyph for.
    public func coveredScalars(_ scalars: Set<Unicode.Scalar>) -> Set<Unicode.Scalar> {
        scalars.filter { font.glyphID(for: $0) != nil }
    }

    /// The source's glyphs a subset for `scalars` keeps: `.notdef`, the mapped glyphs, and their
    /// components, in the order ``GlyphNumbering/compact`` numbers them.
    func keptGlyphs(for scalars: Set<Unicode.Scalar>) -> [Int] {
        let mapped = scalars.compactMap { scalar in font.glyphID(for: scalar).map { (scalar.value, $0) } }.sorted { $0.0 < $1.0 }
        var kept: Set<Int> = [0], order = [0]
        for (_, glyph) in mapped where kept.insert(glyph).inserted { order.append(glyph) }
        var next = 0
        while next < order.count {  // breadth first over components; `kept` stops any cycle
            for component in font.components[order[next]] ?? [] where kept.insert(component.glyphID).inserted {
                order.append(component.glyphID)
            }
            next += 1
        }
        return order
    }

    /// The font cut down to `scalars` (characters the font lacks are left out, for the next font to
    /// draw), numbered by `numbering`, renamed by `naming` if given, with its hinting if `keepHinting`.
    public func subset(keeping scalars: Set<Unicode.Scalar>, numbering: GlyphNumbering = .compact,
                       naming: Naming? = nil, keepHinting: Bool = false) -> Data {
        let kept = keptGlyphs(for: scalars)
        let keptSet = Set(kept)
        // The source glyph of each new glyph id, and the new id of each kept source glyph.
        let glyphOrder: [Int]
        var newID: [Int: Int] = [:]
        switch numbering {
        case .compact:
            glyphOrder = kept
            for (new, old) in kept.enumerated() { newID[old] = new }
        case .preserved:
            glyphOrder = Array(0..<font.numberOfGlyphs)
            for old in kept { newID[old] = old }
        }

        // glyf and loca.
        var glyf: [UInt8] = [], offsets = [0]
        for old in glyphOrder {
            if keptSet.contains(old) {
                var glyph = Array(font.bytes[font.glyphRanges[old]])
                for component in font.components[old] ?? [] {
                    glyph.setU16(newID[component.glyphID]!, at: component.indexOffset)
                }
                if !keepHinting, let instructions = font.instructions[old] {
                    if let components = font.components[old] {
                        glyph.removeSubrange(instructions)
                        for component in components {  // clear WE_HAVE_INSTRUCTIONS
                            glyph[component.indexOffset - 2] &= ~UInt8(CompositeFlag.haveInstructions >> 8)
                        }
                    } else {
                        glyph.replaceSubrange(instructions, with: [0, 0])  // instructionLength 0
                    }
                }
                glyf += glyph
                glyf.padToFour()
            }
            offsets.append(glyf.count)
        }
        let shortLoca = glyf.count <= 0x1FFFE  // every offset is a multiple of 4, so offset / 2 fits 16 bits
        var loca: [UInt8] = []
        for offset in offsets {
            if shortLoca { loca.appendU16(offset / 2) } else { loca.appendU32(offset) }
        }

        // Metrics.
        var hhea = Array(font.table("hhea")!)
        var hmtx: [UInt8]
        switch numbering {
        case .preserved:
            hmtx = Array(font.table("hmtx")!)
        case .compact:
            let metrics = glyphOrder.map(font.horizontalMetrics)
            var longMetrics = metrics.count  // trailing glyphs of one advance need only their side bearing
            while longMetrics > 1 && metrics[longMetrics - 1].advance == metrics[longMetrics - 2].advance { longMetrics -= 1 }
            hmtx = []
            for (index, metric) in metrics.enumerated() {
                if index < longMetrics { hmtx.appendU16(Int(metric.advance)) }
                hmtx.appendU16(Int(metric.leftSideBearing))
            }
            hhea.setU16(longMetrics, at: 34)
        }
        var maxp = Array(font.table("maxp")!)
        maxp.setU16(glyphOrder.count, at: 4)
        if !keepHinting {  // maxZones 1; twilight points, storage, function and instruction defs, stack, instructions 0
            for (field, value) in [(14, 1), (16, 0), (18, 0), (20, 0), (22, 0), (24, 0), (26, 0)] { maxp.setU16(value, at: field) }
        }

        // Characters.
        let mappings = scalars.compactMap { scalar in font.glyphID(for: scalar).map { (scalar.value, newID[$0]!) } }.sorted { $0.0 < $1.0 }
        var os2 = Array(font.table("OS/2")!)
        if os2.count >= 68, let first = mappings.first?.0, let last = mappings.last?.0 {
            os2.setU16(Int(min(first, 0xFFFF)), at: 64)
            os2.setU16(Int(min(last, 0xFFFF)), at: 66)
        }
        var post = Array(font.table("post")!.prefix(32))
        post += [UInt8](repeating: 0, count: 32 - post.count)
        post.replaceSubrange(0..<4, with: [0, 3, 0, 0])  // version 3.0: no glyph names
        var head = Array(font.table("head")!)
        head.replaceSubrange(8..<12, with: [0, 0, 0, 0])
        head.setU16(shortLoca ? 0 : 1, at: 50)

        var tables: [(tag: String, data: [UInt8])] = [
            ("cmap", Self.characterMapTable(mappings)), ("glyf", glyf), ("head", head), ("hhea", hhea), ("hmtx", hmtx),
            ("loca", loca), ("maxp", maxp), ("OS/2", os2), ("post", post),
            ("name", naming.map(nameTable) ?? Array(font.table("name")!)),
        ]
        var copied = keepHinting ? ["cvt ", "fpgm", "prep", "gasp"] : ["gasp"]
        if numbering == .preserved { copied += ["GDEF", "GSUB", "GPOS"] }
        for tag in copied { if let table = font.table(tag) { tables.append((tag, Array(table))) } }
        if let kern = kernTable(newID: newID) { tables.append(("kern", kern)) }
        return Data(Self.assemble(tables))
    }

    // MARK: Tables

    /// A `cmap` with a (3,1) format 4 subtable of the BMP mappings and, when a mapping lies beyond the
    /// BMP or format 4 (at most 65 535 bytes) cannot hold them all, a (3,10) format 12 of all of them.
    static func characterMapTable(_ mappings: [(UInt32, Int)]) -> [UInt8] {
        // Format 4: a segment per run of consecutive characters; a run whose glyphs also run
        // consecutively is one idDelta, any other reads its glyphs from glyphIdArray.
        var runs: [(start: Int, glyphs: [Int])] = []
        for (code, glyph) in mappings where code < 0xFFFF {
            if let last = runs.last, last.start + last.glyphs.count == Int(code) {
                runs[runs.count - 1].glyphs.append(glyph)
            } else {
                runs.append((Int(code), [glyph]))
            }
        }
        func isDelta(_ run: (start: Int, glyphs: [Int])) -> Bool {
            run.glyphs.enumerated().allSatisfy { $0.element == run.glyphs[0] + $0.offset }
        }
        var size = 16 + 8, fittedCount = 0  // the header and the final segment; then as many runs as fit
        for run in runs {
            let cost = 8 + (isDelta(run) ? 0 : 2 * run.glyphs.count)
            guard size + cost <= 0xFFFF else { break }
            size += cost
            fittedCount += 1
        }
        let fitted = runs[..<fittedCount]
        let segments = fitted.count + 1  // and the final 0xFFFF segment
        var ends: [UInt8] = [], starts: [UInt8] = [], deltas: [UInt8] = [], rangeOffsets: [UInt8] = [], glyphIDs: [UInt8] = []
        for (index, run) in fitted.enumerated() {
            starts.appendU16(run.start)
            ends.appendU16(run.start + run.glyphs.count - 1)
            if isDelta(run) {
                deltas.appendU16((run.glyphs[0] - run.start) & 0xFFFF)
                rangeOffsets.appendU16(0)
            } else {
                deltas.appendU16(0)
                rangeOffsets.appendU16(2 * (segments - index) + glyphIDs.count)  // from this entry to its first glyph id
                for glyph in run.glyphs { glyphIDs.appendU16(glyph) }
            }
        }
        starts.appendU16(0xFFFF); ends.appendU16(0xFFFF); deltas.appendU16(1); rangeOffsets.appendU16(0)
        var format4: [UInt8] = []
        let searchRange = 2 * Self.largestPowerOfTwo(atMost: segments)
        format4.appendU16(4)
        format4.appendU16(16 + 8 * segments + glyphIDs.count)
        format4.appendU16(0)  // language
        format4.appendU16(2 * segments)
        format4.appendU16(searchRange)
        format4.appendU16(Self.log2(searchRange / 2))
        format4.appendU16(2 * segments - searchRange)
        format4 += ends
        format4.appendU16(0)  // reservedPad
        format4 += starts + deltas + rangeOffsets + glyphIDs

        var subtables: [(platform: Int, encoding: Int, data: [UInt8])] = [(3, 1, format4)]
        if fitted.count < runs.count || mappings.contains(where: { $0.0 > 0xFFFF }) {
            var groups: [(first: UInt32, last: UInt32, glyph: Int)] = []
            for (code, glyph) in mappings {
                if let last = groups.last, last.last + 1 == code, last.glyph + Int(last.last - last.first) + 1 == glyph {
                    groups[groups.count - 1].last = code
                } else {
                    groups.append((code, code, glyph))
                }
            }
            var format12: [UInt8] = []
            format12.appendU16(12)
            format12.appendU16(0)
            format12.appendU32(16 + 12 * groups.count)
            format12.appendU32(0)  // language
            format12.appendU32(groups.count)
            for group in groups {
                format12.appendU32(Int(group.first))
                format12.appendU32(Int(group.last))
                format12.appendU32(group.glyph)
            }
            subtables.append((3, 10, format12))
        }
        var cmap: [UInt8] = []
        cmap.appendU16(0)
        cmap.appendU16(subtables.count)
        var offset = 4 + 8 * subtables.count
        for subtable in subtables {
            cmap.appendU16(subtable.platform)
            cmap.appendU16(subtable.encoding)
            cmap.appendU32(offset)
            offset += subtable.data.count
        }
        for subtable in subtables { cmap += subtable.data }
        return cmap
    }

    /// The source's `kern` (version 0) with only its format 0 subtables, and in them only the pairs of
    /// kept glyphs, renumbered and re-sorted; `nil` when nothing is left or the table is not readable.
    private func kernTable(newID: [Int: Int]) -> [UInt8]? {
        guard let record = font.record("kern") else { return nil }
        let reader = FontReader(bytes: Array(font.bytes[record.offset..<(record.offset + record.length)]))
        guard let version = try? reader.u16(0), version == 0, let count = try? reader.u16(2) else { return nil }
        var subtables: [[UInt8]] = []
        var at = 4
        for _ in 0..<count {
            guard let length = try? reader.u16(at + 2), let coverage = try? reader.u16(at + 4), length >= 6 else { return nil }
            if coverage >> 8 == 0, let pairCount = try? reader.u16(at + 6) {
                var pairs: [(left: Int, right: Int, value: Int)] = []
                for p in 0..<pairCount {
                    let pair = at + 14 + 6 * p
                    guard let left = try? reader.u16(pair), let right = try? reader.u16(pair + 2),
                          let value = try? reader.u16(pair + 4) else { return nil }
                    if let newLeft = newID[left], let newRight = newID[right] { pairs.append((newLeft, newRight, value)) }
                }
                pairs.sort { ($0.left, $0.right) < ($1.left, $1.right) }
                if !pairs.isEmpty, 14 + 6 * pairs.count <= 0xFFFF {
                    var subtable: [UInt8] = []
                    let searchRange = 6 * Self.largestPowerOfTwo(atMost: pairs.count)
                    for field in [0, 14 + 6 * pairs.count, coverage, pairs.count, searchRange, Self.log2(searchRange / 6),
                                  6 * pairs.count - searchRange] {
                        subtable.appendU16(field)
                    }
                    for pair in pairs {
                        subtable.appendU16(pair.left)
                        subtable.appendU16(pair.right)
                        subtable.appendU16(pair.value)
                    }
                    subtables.append(subtable)
                }
            }
            at += length
        }
        guard !subtables.isEmpty else { return nil }
        var kern: [UInt8] = []
        kern.appendU16(0)
        kern.appendU16(subtables.count)
        for subtable in subtables { kern += subtable }
        return kern
    }

    /// A `name` table (format 0, Windows Unicode English) under the new family name, keeping the
    /// source's copyright, version, manufacturer, designer and their addresses, and saying in the
    /// description what the font is a subset of.
    private func nameTable(_ naming: Naming) -> [UInt8] {
        let style = nameString(2) ?? "Regular"
        var postScript = ""  // printable ASCII but [](){}<>/%, at most 63 characters
        for scalar in "\(naming.family)-\(style)".unicodeScalars
        where scalar.value > 32 && scalar.value < 127 && !"[](){}<>/%".unicodeScalars.contains(scalar) && postScript.count < 63 {
            postScript.unicodeScalars.append(scalar)
        }
        var records: [Int: String] = [
            1: naming.family, 2: style, 3: "\(postScript); subset", 4: style == "Regular" ? naming.family : "\(naming.family) \(style)",
            6: postScript,
            10: "A subset of \(fullName ?? "a TrueType font") to the characters of one document; its glyphs are the original's, unchanged.",
        ]
        for id in [0, 5, 8, 9, 11, 12, 13, 14] { if let text = nameString(id) { records[id] = text } }
        if let licence = naming.licence { records[13] = licence }
        if let url = naming.licenceURL { records[14] = url }
        var table: [UInt8] = [], storage: [UInt8] = []
        let ids = records.keys.sorted()
        for field in [0, ids.count, 6 + 12 * ids.count] { table.appendU16(field) }
        for id in ids {
            let utf16 = records[id]!.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }.prefix(0xFFFE)
            for field in [3, 1, 0x409, id, utf16.count, storage.count] { table.appendU16(field) }
            storage += utf16
        }
        return table + storage
    }

    /// The source's name `id`: Windows Unicode English first, then any Windows Unicode, then Macintosh Roman English.
    func nameString(_ id: Int) -> String? {
        guard let record = font.record("name") else { return nil }
        let reader = FontReader(bytes: Array(font.bytes[record.offset..<(record.offset + record.length)]))
        guard let count = try? reader.u16(2), let storage = try? reader.u16(4) else { return nil }
        var best: (rank: Int, text: String)?
        for i in 0..<count {
            let at = 6 + 12 * i
            guard let platform = try? reader.u16(at), let encoding = try? reader.u16(at + 2), let language = try? reader.u16(at + 4),
                  let nameID = try? reader.u16(at + 6), let length = try? reader.u16(at + 8), let offset = try? reader.u16(at + 10),
                  nameID == id, storage + offset + length <= reader.bytes.count else { continue }
            let raw = reader.bytes[(storage + offset)..<(storage + offset + length)]
            let rank: Int, text: String
            if platform == 3 && (encoding == 1 || encoding == 10) {
                rank = language == 0x409 ? 3 : 2
                let units = stride(from: raw.startIndex, to: raw.endIndex - 1, by: 2).map { UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1]) }
                text = String(decoding: units, as: UTF16.self)
            } else if platform == 1 && encoding == 0 && language == 0 {
                rank = 1
                text = String(data: Data(raw), encoding: .macOSRoman) ?? String(decoding: raw, as: UTF8.self)
            } else {
                continue
            }
            if rank > (best?.rank ?? 0), !text.isEmpty { best = (rank, text) }
        }
        return best?.text
    }

    // MARK: The file

    /// The font file: the directory (sorted by tag, with searchRange, entrySelector and rangeShift),
    /// each table 4-byte aligned with its checksum, and `head.checkSumAdjustment` set last.
    static func assemble(_ tables: [(tag: String, data: [UInt8])]) -> [UInt8] {
        let sorted = tables.map { (tag: FontTag.value($0.tag), data: $0.data) }.sorted { $0.tag < $1.tag }
        let searchRange = 16 * largestPowerOfTwo(atMost: sorted.count)
        var file: [UInt8] = []
        file.appendU32(0x0001_0000)
        for field in [sorted.count, searchRange, log2(searchRange / 16), 16 * sorted.count - searchRange] { file.appendU16(field) }
        var offset = 12 + 16 * sorted.count
        var headOffset: Int?
        for table in sorted {
            file.appendU32(Int(table.tag))
            file.appendU32(Int(TrueTypeFont.checksum(table.data[...])))
            file.appendU32(offset)
            file.appendU32(table.data.count)
            if table.tag == FontTag.value("head") { headOffset = offset }
            offset += (table.data.count + 3) & ~3
        }
        for table in sorted {
            file += table.data
            file.padToFour()
        }
        if let headOffset {
            let adjustment = 0xB1B0_AFBA &- TrueTypeFont.checksum(file[...])
            file.replaceSubrange((headOffset + 8)..<(headOffset + 12),
                                 with: [UInt8(adjustment >> 24), UInt8(adjustment >> 16 & 0xFF), UInt8(adjustment >> 8 & 0xFF), UInt8(adjustment & 0xFF)])
        }
        return file
    }

    static func largestPowerOfTwo(atMost n: Int) -> Int {
        var power = 1
        while power * 2 <= n { power *= 2 }
        return power
    }

    static func log2(_ power: Int) -> Int { power <= 1 ? 0 : Int.bitWidth - 1 - power.leadingZeroBitCount }
}

extension [UInt8] {
    fileprivate mutating func appendU16(_ value: Int) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    fileprivate mutating func appendU32(_ value: Int) {
        appendU16(value >> 16)
        appendU16(value & 0xFFFF)
    }

    fileprivate mutating func setU16(_ value: Int, at index: Int) {
        self[index] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 1] = UInt8(truncatingIfNeeded: value)
    }

    fileprivate mutating func padToFour() {
        while count % 4 != 0 { append(0) }
    }
}
