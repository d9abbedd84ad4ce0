import Testing
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reports

@Suite("SVG plots")
struct SVGPlotTests {
    private func document(_ svg: String) throws -> XMLDocument { try XMLDocument(xmlString: svg, options: []) }

    /// The `points` attribute of every `element` in `svg`, as (x, y) pairs.
    private func points(_ svg: String, of element: String) -> [[[Double]]] {
        svg.components(separatedBy: "<\(element) ").dropFirst().map { tail in
            let value = tail.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0]
            return value.split(separator: " ").map { $0.split(separator: ",").map { Double($0) ?? .nan } }
        }
    }

    @Test("a well-formed SVG with one line per series through every point, a band of 2n corners, and escaped text")
    func structure() throws {
        let plot = Plot(title: "A < B & \"C\"", xLabel: "iteration", yLabel: "success", series: [
            PlotSeries(name: "before", x: [1, 2, 3, 4], y: [0.1, 0.2, 0.15, 0.3], band: ([0, 0.1, 0.1, 0.2], [0.2, 0.3, 0.2, 0.4])),
            PlotSeries(name: "after", x: [1, 2, 3, 4], y: [0.2, 0.4, 0.5, 0.6], markers: true),
        ])
        let doc = try document(plot.svg)   // well-formed XML
        #expect(try doc.nodes(forXPath: "//*[local-name()='polyline']").count == 2)
        #expect(points(plot.svg, of: "polyline").map(\.count) == [4, 4])
        #expect(points(plot.svg, of: "polygon").map(\.count) == [8])
        #expect(try doc.nodes(forXPath: "//*[local-name()='circle']").count == 4)
        #expect(plot.svg.contains("A &lt; B &amp; &quot;C&quot;"))
    }

    @Test("points land where the axes say: higher values higher up, the range's ends on round ticks")
    func placement() throws {
        let plot = Plot(title: "t", xLabel: "x", yLabel: "y", series: [PlotSeries(name: "s", x: [0, 10], y: [0.03, 0.97])])
        let doc = try document(plot.svg)
        let points = try #require(points(plot.svg, of: "polyline").first)
        #expect(points[0][0] < points[1][0])        // x grows to the right
        #expect(points[0][1] > points[1][1])        // y grows upward (SVG's y grows downward)
        // The y ticks are 0, 0.2, ..., 1 (0.03–0.97 widened to round numbers).
        let labels = try doc.nodes(forXPath: "//*[local-name()='text'][@text-anchor='end']").map { $0.stringValue ?? "" }
        #expect(labels == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        // Whole-number x values (adaptation steps 0 and 1) get whole ticks only.
        let steps = Plot(title: "t", xLabel: "x", yLabel: "y", series: [PlotSeries(name: "s", x: [0, 1], y: [0.1, 0.5])])
        let xLabels = try document(steps.svg).nodes(forXPath: "//*[local-name()='text'][@text-anchor='middle']").map { $0.stringValue ?? "" }
        #expect(xLabels.filter { Double($0) != nil } == ["0", "1"])
    }

    @Test("non-finite values are left out, and a constant series still gets a range")
    func degenerate() throws {
        let plot = Plot(title: "t", xLabel: "x", yLabel: "y", series: [PlotSeries(name: "s", x: [1, 2, 3], y: [5, .nan, 5])])
        _ = try document(plot.svg)
        #expect(points(plot.svg, of: "polyline").map(\.count) == [2])
        #expect(!plot.svg.contains("nan") && !plot.svg.contains("inf"))
    }
}
