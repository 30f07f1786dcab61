// The plots a reader can trust: Pd as points with intervals, bins, counts and the requirement; time
// series drawn only where they have data.
import Testing
import Foundation
@testable import Reporting

@Suite("SVG plots")
struct SVGPlotterTests {
    static let plotter = SVGPlotter(language: .both)

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("Pd is drawn as points with interval bars, bin whiskers and k/n counts, never as a line")
    func pdPoints() throws {
        let report = SampleReport.make()
        let series = try #require(report.pdByRange)
        let svg = Self.plotter.pdByRange(id: "pd", series: series, requirement: 0.9, requirementWithin: 2000)
        #expect(!svg.contains("<polyline"))
        #expect(Self.count("class=\"pd-point\"", in: svg) == 6)
        for (k, n) in zip(series.numerators!, series.denominators!) {
            #expect(svg.contains(">\(Int(k))/\(Int(n))</text>"), "no label \(Int(k))/\(Int(n))")
        }
        // Each bin's whisker spans its range bin: 0–500 m is 500 m wide on the same scale as 500–1000 m.
        #expect(svg.contains("H") && Self.count("V", in: svg) > 12)
        #expect(svg.contains("점: 거리 구간별 Pd") && svg.contains("k/n: detections/opportunities"))
    }

    @Test("The requirement is a dashed line at its Pd, over the ranges it applies to, and labelled")
    func pdRequirement() throws {
        let series = try #require(SampleReport.make().pdByRange)
        let svg = Self.plotter.pdByRange(id: "pd", series: series, requirement: 0.9, requirementWithin: 2000)
        let path = try #require(HTMLReportTests.slice(svg, from: "<path class=\"pd-requirement\" d=\"M", to: "\""))
        // x from 0 to 3000 m on 64…620, y from 0 to 1 on 284…24: the line is at y = 50, from x 64 to 2000 m.
        #expect(path.contains("M64.00 50.00H434.67"), "\(path)")
        #expect(svg.contains("stroke-dasharray=\"7 4\""))
        #expect(svg.contains("요구값 / Requirement: Pd ≥ 0.9 (≤ 2000 m)"))
        let everywhere = Self.plotter.pdByRange(id: "pd", series: series, requirement: 0.8, requirementWithin: nil)
        #expect(everywhere.contains("H620.00\" stroke=\"#B00000\"") && everywhere.contains("Pd ≥ 0.8<"))
        let none = Self.plotter.pdByRange(id: "pd", series: series)
        #expect(!none.contains("pd-requirement") && !none.contains("Requirement"))
    }

    @Test("Without counts or bins, Pd keeps its points and intervals and claims nothing more")
    func pdWithoutCounts() {
        let series = ReportSeries(name: "Pd", x: [1500, 2500, .nan], y: [0.9, 0.5, 0.4], lower: [0.8, .nan], upper: [0.95, 0.7])
        let svg = Self.plotter.pdByRange(id: "pd", series: series)
        #expect(Self.count("class=\"pd-point\"", in: svg) == 2)
        #expect(!svg.contains("pd-count") && !svg.contains("<polyline") && !svg.lowercased().contains("nan"))
    }

    @Test("A time series is not drawn across a gap in its data")
    func timeSeriesGaps() {
        // Every 0.5 s from 0 to 10 s, nothing from 10 to 20 s, then every 0.5 s to 30 s, and one lone point at 40 s.
        let times = stride(from: 0.0, through: 10, by: 0.5).map { $0 } + stride(from: 20.0, through: 30, by: 0.5).map { $0 } + [40]
        let ospa = ReportSeries(name: "OSPA", x: times, y: times.map { 50 + $0 })
        let svg = Self.plotter.ospaGospa(id: "ospa", ospa: ospa, gospa: nil)
        #expect(Self.count("<polyline", in: svg) == 2)
        #expect(Self.count("<circle", in: svg) == 1)  // the lone point
        let error = Self.plotter.positionError(id: "err", series: [ReportSeries(name: "drone-1", x: [0, 1, 2, 3, 10, 11, 12], y: [1, 2, 3, 4, 5, 6, 7])])
        #expect(Self.count("<polyline", in: error) == 2)
        // A regular series stays one line; a NaN still breaks it.
        let regular = Self.plotter.ospaGospa(id: "o", ospa: ReportSeries(name: "OSPA", x: [0, 1, 2, 3, 4], y: [1, 2, .nan, 4, 5]), gospa: nil)
        #expect(Self.count("<polyline", in: regular) == 2)
        #expect(SVGPlotter.splitAtGaps([[Point(x: 0, y: 0), Point(x: 5, y: 0)]]).count == 1)  // too few steps to judge
    }
}
