// The report's plots as inline SVG, drawn in Swift: map, Pd against range, errors over time, timelines.
import Foundation

/// Draws the five plots of a report as SVG elements for inline use in HTML (no script, no external
/// reference, no `xmlns` needed inside HTML5).
///
/// Every plot is deterministic: coordinates are written with two decimals, series are drawn in the
/// order given, and a series longer than ``maximumPointsPerSeries`` is thinned by a fixed stride
/// (keeping its last point). Non-finite points break a line rather than end it. A plot with nothing
/// to draw becomes a "no data" panel of the same size, never a crash.
struct SVGPlotter {
    /// The labels' language.
    var language: ReportLanguage

    /// Points drawn per series at most; longer series are thinned by a stride.
    static let maximumPointsPerSeries = 2000

    /// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    /// Dash patterns cycled with the colours, so lines stay apart in grey print.
    static let dashes = ["", "6 3", "2 2", "8 3 2 3"]

    // MARK: The plots

    /// The top-down map: truth (solid grey, named at its end, start circled) against tracks (coloured,
    /// dashed), in east-north metres at equal scale, with axes, a scale bar, a north arrow and the origin.
    func map(id: String, truth: [ReportSeries], tracks: [ReportSeries]) -> String {
        let width = 640.0, height = 560.0
        let frame = PlotFrame(x: 70, y: 16, width: 550, height: 440)
        let truthRuns = truth.map { (name: $0.name, runs: Self.runs($0.x, $0.y)) }
        let trackRuns = tracks.map { (name: $0.name, runs: Self.runs($0.x, $0.y)) }
        let all = (truthRuns + trackRuns).flatMap { $0.runs.flatMap { $0 } }
        guard !all.isEmpty else { return noData(id: id, width: width, height: 140) }

        // Equal aspect: one metre is the same length on both axes; the origin is always in view.
        var minX = min(0, all.map(\.x).min()!), maxX = max(0, all.map(\.x).max()!)
        var minY = min(0, all.map(\.y).min()!), maxY = max(0, all.map(\.y).max()!)
        let pad = max(10, 0.05 * max(maxX - minX, maxY - minY))
        minX -= pad; maxX += pad; minY -= pad; maxY += pad
        let scale = min(frame.width / (maxX - minX), frame.height / (maxY - minY))
        let centreX = (minX + maxX) / 2, centreY = (minY + maxY) / 2
        let xScale = LinearScale(domain: (centreX - frame.width / 2 / scale, centreX + frame.width / 2 / scale),
                                 range: (frame.x, frame.x + frame.width))
        let yScale = LinearScale(domain: (centreY - frame.height / 2 / scale, centreY + frame.height / 2 / scale),
                                 range: (frame.y + frame.height, frame.y))
        let step = Self.niceStep(span: max(xScale.domain.1 - xScale.domain.0, yScale.domain.1 - yScale.domain.0), ticks: 6)

        var svg = open(id: id, width: width, height: height, title: language.inline(.plotMap), clip: frame)
        svg += axes(frame: frame, x: xScale, y: yScale, xStep: step, yStep: step,
                    xLabel: language.inline(.east), yLabel: language.inline(.north))
        svg += "<g clip-path=\"url(#\(id)-clip)\">"
        // Origin.
        let ox = xScale(0), oy = yScale(0)
        svg += "<path d=\"M\(f(ox - 6)) \(f(oy))H\(f(ox + 6))M\(f(ox)) \(f(oy - 6))V\(f(oy + 6))\" stroke=\"#000\" stroke-width=\"1.5\"/>"
        svg += text(language.inline(.origin), x: ox + 8, y: oy + 14, size: 10, fill: "#333")
        // Truth under tracks.
        for series in truthRuns {
            for run in series.runs {
                svg += polyline(run, x: xScale, y: yScale, colour: "#7a7a7a", width: 3, dash: "", opacity: 0.8)
            }
            if let first = series.runs.first?.first {
                svg += "<circle cx=\"\(f(xScale(first.x)))\" cy=\"\(f(yScale(first.y)))\" r=\"4\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"/>"
            }
            if let last = series.runs.last?.last {
                svg += text(series.name, x: xScale(last.x) + 5, y: yScale(last.y) - 5, size: 10, fill: "#333")
            }
        }
        for (index, series) in trackRuns.enumerated() {
            let (colour, dash) = Self.style(index)
            for run in series.runs {
                svg += polyline(run, x: xScale, y: yScale, colour: colour, width: 1.5, dash: dash.isEmpty ? "6 3" : dash, opacity: 1)
            }
        }
        svg += "</g>"
        // Scale bar, bottom left, on a white ground.
        let barMetres = Self.niceFloor((xScale.domain.1 - xScale.domain.0) / 5)
        let barLength = barMetres * scale
        let bx = frame.x + 12, by = frame.y + frame.height - 14
        svg += "<rect x=\"\(f(bx - 6))\" y=\"\(f(by - 18))\" width=\"\(f(barLength + 12))\" height=\"26\" fill=\"#fff\" fill-opacity=\"0.85\"/>"
        svg += "<path d=\"M\(f(bx)) \(f(by - 4))V\(f(by + 2))H\(f(bx + barLength))V\(f(by - 4))\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>"
        svg += text(Self.distance(barMetres), x: bx + barLength / 2, y: by - 7, size: 10, anchor: "middle")
        // North arrow, top right.
        let nx = frame.x + frame.width - 18, ny = frame.y + 12
        svg += "<path d=\"M\(f(nx)) \(f(ny))L\(f(nx - 6)) \(f(ny + 18))L\(f(nx)) \(f(ny + 13))L\(f(nx + 6)) \(f(ny + 18))Z\" fill=\"#000\"/>"
        svg += text("N", x: nx, y: ny + 30, size: 11, anchor: "middle", weight: "bold")
        // Legend.
        var entries: [LegendEntry] = []
        if !truthRuns.isEmpty { entries.append(LegendEntry(label: language.inline(.truth), colour: "#7a7a7a", dash: "", width: 3)) }
        if trackRuns.count <= 8 {
            for (index, series) in trackRuns.enumerated() {
                let (colour, dash) = Self.style(index)
                entries.append(LegendEntry(label: "\(language.inline(.tracks)): \(series.name)", colour: colour,
                                           dash: dash.isEmpty ? "6 3" : dash, width: 1.5))
            }
        } else {
            entries.append(LegendEntry(label: "\(language.inline(.tracks)) (\(trackRuns.count))", colour: Self.palette[0], dash: "6 3", width: 1.5))
        }
        svg += legend(entries, x: frame.x, y: frame.y + frame.height + 48, width: frame.width)
        return svg + "</svg>"
    }

    /// Pd against range, drawn so that a reader can judge each figure: a point per range bin and no
    /// line between bins (a line would claim values between them), the bin's confidence interval as a
    /// vertical bar, the bin itself as a horizontal bar (`xLower`…`xUpper`), its counts `k/n` above
    /// it, and the plan's requirement as a dashed line over the ranges it applies to. y from 0 to 1.
    func pdByRange(id: String, series: ReportSeries?, requirement: Double? = nil, requirementWithin: Double? = nil) -> String {
        guard let series else { return noData(id: id, width: 640, height: 140) }
        let bins = Self.pdBins(series)
        guard !bins.isEmpty else { return noData(id: id, width: 640, height: 140) }
        let requirement = requirement.flatMap { $0.isFinite ? $0 : nil }
        let within = requirement == nil ? nil : requirementWithin.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        let width = 640.0
        let frame = PlotFrame(x: 64, y: 24, width: 556, height: 260)  // room above for a label over Pd = 1
        var xs = [0.0] + bins.flatMap { [$0.x, $0.xLower, $0.xUpper].compactMap { $0 } }
        if let within { xs.append(within) }
        let (xScale, yScale, xStep, yStep) = Self.scales(frame: frame, xs: xs, ys: [0, 1], headroom: false)
        let keyLines = language.texts(.pdPlotKey).secondary == nil ? 1.0 : 2.0
        let height = frame.y + frame.height + 82 + 14 * keyLines

        var svg = open(id: id, width: width, height: height, title: language.inline(.plotPdByRange), clip: frame)
        svg += axes(frame: frame, x: xScale, y: yScale, xStep: xStep, yStep: yStep, xLabel: language.inline(.rangeAxis),
                    yLabel: language.inline(.pdAxis))
        svg += "<g clip-path=\"url(#\(id)-clip)\">"
        let requirementColour = "#B00000", colour = Self.palette[0]
        if let requirement {
            let requirementEnd = within.map { min(xScale($0), frame.x + frame.width) } ?? frame.x + frame.width
            svg += "<path class=\"pd-requirement\" d=\"M\(f(frame.x)) \(f(yScale(requirement)))H\(f(requirementEnd))\" "
                + "stroke=\"\(requirementColour)\" stroke-width=\"1.5\" stroke-dasharray=\"7 4\"/>"
        }
        for bin in bins {
            let x = xScale(bin.x), y = yScale(bin.y)
            var marks = ""
            if let from = bin.xLower, let to = bin.xUpper {
                let x0 = xScale(from), x1 = xScale(to)
                marks += "M\(f(x0)) \(f(y))H\(f(x1))M\(f(x0)) \(f(y - 3))V\(f(y + 3))M\(f(x1)) \(f(y - 3))V\(f(y + 3))"
            }
            if let lower = bin.lower, let upper = bin.upper {
                let y0 = yScale(lower), y1 = yScale(upper)
                marks += "M\(f(x)) \(f(y0))V\(f(y1))M\(f(x - 4)) \(f(y0))H\(f(x + 4))M\(f(x - 4)) \(f(y1))H\(f(x + 4))"
            }
            if !marks.isEmpty { svg += "<path d=\"\(marks)\" stroke=\"\(colour)\" stroke-width=\"1.2\" fill=\"none\"/>" }
            svg += "<circle class=\"pd-point\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3.5\" fill=\"\(colour)\"/>"
        }
        svg += "</g>"
        for bin in bins {
            guard let successes = bin.successes, let trials = bin.trials else { continue }
            let top = yScale(max(bin.y, bin.upper ?? bin.y))
            svg += "<text class=\"pd-count\" x=\"\(f(xScale(bin.x)))\" y=\"\(f(top - 6))\" font-size=\"9.5\" text-anchor=\"middle\" "
                + "fill=\"#222\">\(ReportNumberFormat.count(successes))/\(ReportNumberFormat.count(trials))</text>"
        }
        var entries = [LegendEntry(label: series.name, colour: colour, dash: "", width: 1.2, marker: true)]
        if let requirement {
            let scope = within.map { " (≤ \(ReportNumberFormat.plain($0)) m)" } ?? ""
            let label = "\(language.inline(.requirement)): Pd ≥ \(ReportNumberFormat.plain(requirement))\(scope)"
            entries.append(LegendEntry(label: label, colour: requirementColour, dash: "7 4", width: 1.5))
        }
        svg += legend(entries, x: frame.x, y: frame.y + frame.height + 60, width: frame.width, columns: 2)
        let (key, keySecondary) = language.texts(.pdPlotKey)
        svg += text(key, x: frame.x, y: frame.y + frame.height + 80, size: 9.5, fill: "#444")
        if let keySecondary { svg += text(keySecondary, x: frame.x, y: frame.y + frame.height + 94, size: 9.5, fill: "#444") }
        return svg + "</svg>"
    }

    /// The Pd series' finite points, each with its interval, bin and counts where those are finite
    /// (and `lower ≤ upper`, `from ≤ to`, `0 ≤ k ≤ n`).
    static func pdBins(_ series: ReportSeries) -> [PdBin] {
        func value(_ values: [Double]?, _ i: Int) -> Double? {
            guard let values, i < values.count, values[i].isFinite else { return nil }
            return values[i]
        }
        var bins: [PdBin] = []
        for i in 0..<min(series.x.count, series.y.count) where series.x[i].isFinite && series.y[i].isFinite {
            var bin = PdBin(x: series.x[i], y: series.y[i])
            if let lower = value(series.lower, i), let upper = value(series.upper, i), lower <= upper { (bin.lower, bin.upper) = (lower, upper) }
            if let from = value(series.xLower, i), let to = value(series.xUpper, i), from <= to { (bin.xLower, bin.xUpper) = (from, to) }
            if let k = value(series.numerators, i), let n = value(series.denominators, i), k >= 0, k <= n { (bin.successes, bin.trials) = (k, n) }
            bins.append(bin)
        }
        return bins
    }

    /// Position error over time, one line per series where it has data, y from 0.
    func positionError(id: String, series: [ReportSeries]) -> String {
        let drawable = series.filter { !Self.runs($0.x, $0.y).isEmpty }
        guard !drawable.isEmpty else { return noData(id: id, width: 640, height: 140) }
        return lineChart(id: id, title: language.inline(.plotPositionError), xLabel: language.inline(.timeAxis),
                         yLabel: language.inline(.errorAxis), series: drawable)
    }

    /// OSPA and GOSPA over time on one pair of axes, drawn where they have data, y from 0.
    func ospaGospa(id: String, ospa: ReportSeries?, gospa: ReportSeries?) -> String {
        let drawable = [ospa, gospa].compactMap { $0 }.filter { !Self.runs($0.x, $0.y).isEmpty }
        guard !drawable.isEmpty else { return noData(id: id, width: 640, height: 140) }
        return lineChart(id: id, title: language.inline(.plotOSPAGOSPA), xLabel: language.inline(.timeAxis),
                         yLabel: language.inline(.distanceAxis), series: drawable)
    }

    /// One row per drone: tracked (tall green), detected (middle orange) and missed (thin grey)
    /// intervals, a triangle at the first detection, a circle at the first confirmed track, and
    /// "never (censored)" for a drone never detected.
    func timeline(id: String, timelines: [ReportTimeline]) -> String {
        guard !timelines.isEmpty else { return noData(id: id, width: 640, height: 140) }
        let rowHeight = 28.0
        let frame = PlotFrame(x: 120, y: 12, width: 500, height: rowHeight * Double(timelines.count))
        let width = 640.0, height = frame.y + frame.height + 96
        var maxT = 0.0
        for timeline in timelines {
            for segment in timeline.segments where segment.count >= 3 && segment[1].isFinite { maxT = max(maxT, segment[1]) }
            for t in [timeline.firstDetectionSeconds, timeline.firstTrackSeconds].compactMap({ $0 }) where t.isFinite { maxT = max(maxT, t) }
        }
        if maxT <= 0 { maxT = 1 }
        let step = Self.niceStep(span: maxT, ticks: 6)
        let xScale = LinearScale(domain: (0, (maxT / step).rounded(.up) * step), range: (frame.x, frame.x + frame.width))

        var svg = open(id: id, width: width, height: height, title: language.inline(.plotTimeline), clip: frame)
        svg += "<g font-size=\"10\" fill=\"#333\">"
        for t in Self.ticks(xScale.domain.0, xScale.domain.1, step: step) {
            svg += "<path d=\"M\(f(xScale(t))) \(f(frame.y))V\(f(frame.y + frame.height))\" stroke=\"#ddd\"/>"
            svg += text(ReportNumberFormat.tick(t, step: step), x: xScale(t), y: frame.y + frame.height + 14, size: 10, anchor: "middle")
        }
        svg += "</g>"
        svg += "<path d=\"M\(f(frame.x)) \(f(frame.y + frame.height))H\(f(frame.x + frame.width))\" stroke=\"#000\"/>"
        svg += text(language.inline(.timeAxis), x: frame.x + frame.width / 2, y: frame.y + frame.height + 32, size: 11, anchor: "middle")
        svg += "<g clip-path=\"url(#\(id)-clip)\">"
        for (row, timeline) in timelines.enumerated() {
            let mid = frame.y + (Double(row) + 0.5) * rowHeight
            for segment in timeline.segments {
                guard segment.count >= 3, segment[0].isFinite, segment[1].isFinite, segment[1] >= segment[0] else { continue }
                let (colour, half): (String, Double)
                switch segment[2] {
                case 2: (colour, half) = ("#009E73", 9)
                case 1: (colour, half) = ("#E69F00", 6)
                case 0: (colour, half) = ("#b0b0b0", 2.5)
                default: continue
                }
                let x0 = xScale(segment[0]), x1 = xScale(segment[1])
                svg += "<rect x=\"\(f(x0))\" y=\"\(f(mid - half))\" width=\"\(f(max(0.5, x1 - x0)))\" height=\"\(f(2 * half))\" fill=\"\(colour)\"/>"
            }
            if let t = timeline.firstDetectionSeconds, t.isFinite {
                let x = xScale(t)
                svg += "<path d=\"M\(f(x - 5)) \(f(mid - 13))H\(f(x + 5))L\(f(x)) \(f(mid - 5))Z\" fill=\"#000\"/>"
            }
            if let t = timeline.firstTrackSeconds, t.isFinite {
                svg += "<circle cx=\"\(f(xScale(t)))\" cy=\"\(f(mid))\" r=\"4\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"/>"
            }
        }
        svg += "</g>"
        for (row, timeline) in timelines.enumerated() {
            let mid = frame.y + (Double(row) + 0.5) * rowHeight
            svg += text(Self.truncated(timeline.drone, to: 18), x: frame.x - 8, y: mid + 4, size: 11, anchor: "end")
            if timeline.firstDetectionSeconds == nil {
                svg += "<rect x=\"\(f(frame.x + 4))\" y=\"\(f(mid - 9))\" width=\"\(f(min(frame.width - 8, 250)))\" height=\"18\" fill=\"#fff\" fill-opacity=\"0.85\"/>"
                svg += text(language.inline(.censored), x: frame.x + 8, y: mid + 4, size: 10, fill: "#b00", weight: "bold")
            }
        }
        svg += legend([
            LegendEntry(label: language.inline(.tracked), colour: "#009E73", dash: "", width: 10),
            LegendEntry(label: language.inline(.detected), colour: "#E69F00", dash: "", width: 6),
            LegendEntry(label: language.inline(.missed), colour: "#b0b0b0", dash: "", width: 3),
            LegendEntry(label: "▼ " + language.inline(.firstDetection), colour: nil, dash: "", width: 0),
            LegendEntry(label: "○ " + language.inline(.firstTrack), colour: nil, dash: "", width: 0),
        ], x: frame.x - 100, y: frame.y + frame.height + 52, width: frame.width + 100)
        return svg + "</svg>"
    }

    /// A panel of the plot's usual width saying there is no data.
    func noData(id: String, width: Double, height: Double) -> String {
        var svg = open(id: id, width: width, height: height, title: language.inline(.noData), clip: nil)
        svg += "<rect x=\"1\" y=\"1\" width=\"\(f(width - 2))\" height=\"\(f(height - 2))\" fill=\"#f7f7f7\" stroke=\"#999\" stroke-dasharray=\"6 4\"/>"
        svg += text(language.inline(.noData), x: width / 2, y: height / 2 + 6, size: 16, anchor: "middle", fill: "#666")
        return svg + "<desc>no-data</desc></svg>"
    }

    // MARK: Building blocks

    /// Time series as lines against shared linear axes, drawn only where there are data: a non-finite
    /// point or a gap in time (see ``splitAtGaps(_:)``) ends a line, and a lone point is a dot.
    private func lineChart(id: String, title: String, xLabel: String, yLabel: String, series: [ReportSeries]) -> String {
        let width = 640.0
        let frame = PlotFrame(x: 64, y: 14, width: 556, height: 260)
        let prepared = series.map { (series: $0, runs: Self.splitAtGaps(Self.runs($0.x, $0.y))) }
        let points = prepared.flatMap { $0.runs.flatMap { $0 } }
        let (xScale, yScale, xStep, yStep) = Self.scales(frame: frame, xs: points.map(\.x), ys: [0] + points.map(\.y), headroom: true)
        let legendRows = (series.count + 2) / 3
        let height = frame.y + frame.height + 64 + 18 * Double(legendRows)

        var svg = open(id: id, width: width, height: height, title: title, clip: frame)
        svg += axes(frame: frame, x: xScale, y: yScale, xStep: xStep, yStep: yStep, xLabel: xLabel, yLabel: yLabel)
        svg += "<g clip-path=\"url(#\(id)-clip)\">"
        var entries: [LegendEntry] = []
        for (index, (series, runs)) in prepared.enumerated() {
            let (colour, dash) = Self.style(index)
            for run in runs { svg += polyline(run, x: xScale, y: yScale, colour: colour, width: 1.8, dash: dash, opacity: 1) }
            entries.append(LegendEntry(label: series.name, colour: colour, dash: dash, width: 1.8))
        }
        svg += "</g>"
        svg += legend(entries, x: frame.x, y: frame.y + frame.height + 60, width: frame.width)
        return svg + "</svg>"
    }

    /// Scales that show `xs` and `ys` (each non-empty and finite) on nice steps; with `headroom`, 4 %
    /// above the highest y, so that the highest line does not run along the frame.
    static func scales(frame: PlotFrame, xs: [Double], ys: [Double], headroom: Bool)
        -> (x: LinearScale, y: LinearScale, xStep: Double, yStep: Double) {
        var minX = xs.min()!, maxX = xs.max()!, minY = ys.min()!, maxY = ys.max()!
        if headroom { maxY += 0.04 * (maxY - minY) }
        if maxX <= minX { let d = max(1, abs(minX) * 0.1); minX -= d; maxX += d }
        if maxY <= minY { maxY = minY + max(1, abs(minY) * 0.1) }
        let xStep = niceStep(span: maxX - minX, ticks: 7), yStep = niceStep(span: maxY - minY, ticks: 5)
        let xScale = LinearScale(domain: ((minX / xStep).rounded(.down) * xStep, (maxX / xStep).rounded(.up) * xStep),
                                 range: (frame.x, frame.x + frame.width))
        let yScale = LinearScale(domain: ((minY / yStep).rounded(.down) * yStep, (maxY / yStep).rounded(.up) * yStep),
                                 range: (frame.y + frame.height, frame.y))
        return (xScale, yScale, xStep, yStep)
    }

    /// The opening `<svg>` with its title and the plot area's clip path.
    private func open(id: String, width: Double, height: Double, title: String, clip: PlotFrame?) -> String {
        var svg = "<svg id=\"\(id.htmlEscaped)\" class=\"plot\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "role=\"img\" aria-labelledby=\"\(id.htmlEscaped)-title\"><title id=\"\(id.htmlEscaped)-title\">\(title.htmlEscaped)</title>"
        if let clip {
            // A little wider than the frame, so markers on its edge (Pd = 1) show whole.
            svg += "<defs><clipPath id=\"\(id.htmlEscaped)-clip\"><rect x=\"\(f(clip.x - 5))\" y=\"\(f(clip.y - 5))\" "
                + "width=\"\(f(clip.width + 10))\" height=\"\(f(clip.height + 10))\"/></clipPath></defs>"
        }
        return svg
    }

    /// The frame, gridlines, ticks and axis labels, and the clip path `#<id>-clip` of the frame.
    private func axes(frame: PlotFrame, x: LinearScale, y: LinearScale, xStep: Double, yStep: Double,
                      xLabel: String, yLabel: String) -> String {
        var svg = ""
        var grid = "", ticks = ""
        for t in Self.ticks(x.domain.0, x.domain.1, step: xStep) {
            grid += "M\(f(x(t))) \(f(frame.y))V\(f(frame.y + frame.height))"
            ticks += text(ReportNumberFormat.tick(t, step: xStep), x: x(t), y: frame.y + frame.height + 14, size: 10, anchor: "middle")
        }
        for t in Self.ticks(y.domain.0, y.domain.1, step: yStep) {
            grid += "M\(f(frame.x)) \(f(y(t)))H\(f(frame.x + frame.width))"
            ticks += text(ReportNumberFormat.tick(t, step: yStep), x: frame.x - 6, y: y(t) + 3.5, size: 10, anchor: "end")
        }
        svg += "<path d=\"\(grid)\" stroke=\"#e3e3e3\" stroke-width=\"1\"/>"
        svg += "<rect x=\"\(f(frame.x))\" y=\"\(f(frame.y))\" width=\"\(f(frame.width))\" height=\"\(f(frame.height))\" fill=\"none\" stroke=\"#000\"/>"
        svg += ticks
        svg += text(xLabel, x: frame.x + frame.width / 2, y: frame.y + frame.height + 32, size: 11, anchor: "middle")
        let cy = frame.y + frame.height / 2
        svg += "<text x=\"16\" y=\"\(f(cy))\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(cy)))\">\(yLabel.htmlEscaped)</text>"
        return svg
    }

    private func polyline(_ run: [Point], x: LinearScale, y: LinearScale, colour: String, width: Double, dash: String,
                          opacity: Double) -> String {
        let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
        let opacityAttribute = opacity < 1 ? " stroke-opacity=\"\(f(opacity))\"" : ""
        if run.count == 1 {
            return "<circle cx=\"\(f(x(run[0].x)))\" cy=\"\(f(y(run[0].y)))\" r=\"2.5\" fill=\"\(colour)\"/>"
        }
        let points = run.map { "\(f(x($0.x))),\(f(y($0.y)))" }.joined(separator: " ")
        return "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(f(width))\"\(dashAttribute)"
            + "\(opacityAttribute) stroke-linejoin=\"round\"/>"
    }

    /// A legend of line swatches, `columns` (3 or 2) to a row.
    private func legend(_ entries: [LegendEntry], x: Double, y: Double, width: Double, columns: Int = 3) -> String {
        var svg = ""
        let column = width / Double(columns), limit = columns >= 3 ? 34 : 52
        for (index, entry) in entries.enumerated() {
            let ex = x + Double(index % columns) * column, ey = y + Double(index / columns) * 18
            var labelX = ex
            if let colour = entry.colour, entry.marker {
                svg += "<path d=\"M\(f(ex + 12)) \(f(ey - 10))v12M\(f(ex + 8)) \(f(ey - 10))h8M\(f(ex + 8)) \(f(ey + 2))h8\" "
                    + "stroke=\"\(colour)\" stroke-width=\"\(f(entry.width))\"/>"
                svg += "<circle cx=\"\(f(ex + 12))\" cy=\"\(f(ey - 4))\" r=\"3.5\" fill=\"\(colour)\"/>"
                labelX += 30
            } else if let colour = entry.colour {
                let dash = entry.dash.isEmpty ? "" : " stroke-dasharray=\"\(entry.dash)\""
                svg += "<path d=\"M\(f(ex)) \(f(ey - 4))h24\" stroke=\"\(colour)\" stroke-width=\"\(f(entry.width))\"\(dash)/>"
                labelX += 30
            }
            svg += text(Self.truncated(entry.label, to: limit), x: labelX, y: ey, size: 10)
        }
        return svg
    }

    private func text(_ content: String, x: Double, y: Double, size: Double, anchor: String = "start", fill: String = "#000",
                      weight: String = "normal") -> String {
        let anchorAttribute = anchor == "start" ? "" : " text-anchor=\"\(anchor)\""
        let weightAttribute = weight == "normal" ? "" : " font-weight=\"\(weight)\""
        return "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\"\(anchorAttribute)\(weightAttribute) fill=\"\(fill)\">"
            + "\(content.htmlEscaped)</text>"
    }

    private func f(_ v: Double) -> String { ReportNumberFormat.svg(v) }

    // MARK: Helpers

    /// The series as runs of consecutive finite points (a non-finite point breaks the line), thinned to
    /// at most ``maximumPointsPerSeries`` by a fixed stride that keeps the last point.
    static func runs(_ xs: [Double], _ ys: [Double]) -> [[Point]] {
        let n = min(xs.count, ys.count)
        guard n > 0 else { return [] }
        let stride = max(1, (n + maximumPointsPerSeries - 1) / maximumPointsPerSeries)
        var runs: [[Point]] = [], current: [Point] = []
        for i in 0..<n where i % stride == 0 || i == n - 1 {
            if xs[i].isFinite && ys[i].isFinite {
                current.append(Point(x: xs[i], y: ys[i]))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// `runs` cut wherever consecutive points lie more than 2.5 times the series' median step apart in
    /// x (time), so that a line never bridges a stretch without data (a drone out of track, a pause in
    /// the recording). Runs of fewer than three points in all give no median and are left whole.
    static func splitAtGaps(_ runs: [[Point]]) -> [[Point]] {
        let steps = runs.flatMap { run in zip(run, run.dropFirst()).map { $1.x - $0.x } }.filter { $0 > 0 }.sorted()
        guard steps.count >= 2 else { return runs }
        let limit = 2.5 * steps[steps.count / 2]
        var split: [[Point]] = []
        for run in runs {
            var current: [Point] = []
            for point in run {
                if let last = current.last, point.x - last.x > limit {
                    split.append(current)
                    current = []
                }
                current.append(point)
            }
            if !current.isEmpty { split.append(current) }
        }
        return split
    }

    /// The colour and dash pattern of the `index`th series.
    static func style(_ index: Int) -> (colour: String, dash: String) {
        (palette[index % palette.count], dashes[(index / palette.count) % dashes.count])
    }

    /// A 1-2-5 step that cuts `span` into about `ticks` intervals (Heckbert, "Nice numbers for graph
    /// labels", Graphics Gems, 1990).
    static func niceStep(span: Double, ticks: Int) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(1, ticks))
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let fraction = raw / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    /// The largest 1-2-5 value not above `v` (the scale bar's length).
    static func niceFloor(_ v: Double) -> Double {
        guard v.isFinite, v > 0 else { return 1 }
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(v)))
        let fraction = v / power
        return (fraction >= 5 ? 5 : fraction >= 2 ? 2 : 1) * power
    }

    /// Multiples of `step` from `lo` to `hi`, inclusive (at most 50).
    static func ticks(_ lo: Double, _ hi: Double, step: Double) -> [Double] {
        guard step > 0, lo.isFinite, hi.isFinite else { return [] }
        let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
        guard last >= first, last - first <= 50 else { return [] }
        return (0...Int(last - first)).map { (first + Double($0)) * step }
    }

    /// A distance for the scale bar: `500 m`, `2 km`.
    static func distance(_ metres: Double) -> String {
        metres >= 1000 ? ReportNumberFormat.count(metres / 1000) + " km" : ReportNumberFormat.count(metres) + " m"
    }

    /// At most `limit` characters, with an ellipsis when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}

/// A finite data point.
struct Point: Hashable {
    var x: Double
    var y: Double
}

/// The plot area inside an SVG, in SVG units.
struct PlotFrame {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
}

/// Maps a data interval linearly onto an SVG interval.
struct LinearScale {
    var domain: (Double, Double)
    var range: (Double, Double)

    func callAsFunction(_ v: Double) -> Double {
        let span = domain.1 - domain.0
        guard span != 0 else { return (range.0 + range.1) / 2 }
        return range.0 + (v - domain.0) / span * (range.1 - range.0)
    }
}

/// One line of a legend; `colour` nil for a text-only entry; `marker` for a point with a bar, not a line.
struct LegendEntry {
    var label: String
    var colour: String?
    var dash: String
    var width: Double
    var marker = false
}

/// One point of the Pd plot: a range bin's Pd, its interval, the bin's extent and its counts.
struct PdBin: Hashable {
    var x: Double
    var y: Double
    var lower: Double?
    var upper: Double?
    var xLower: Double?
    var xUpper: Double?
    var successes: Double?
    var trials: Double?
}
