import Foundation

// Plots as self-contained SVG text, from plain numbers: line series with optional shaded bands
// (confidence intervals) and point markers, linear axes with "nice" ticks, a legend. No fonts,
// scripts or links outside the file, so a report opens anywhere without network access.

/// One line (or set of points) of a plot.
public struct PlotSeries: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// A band drawn under the line: lower and upper values at each x (e.g. a 95% CI).
    public var band: (lower: [Double], upper: [Double])?
    /// Draw a marker at each point (for few points, e.g. adaptation steps or tasks).
    public var markers: Bool
    /// Join the points with a line.
    public var line: Bool

    public init(name: String, x: [Double], y: [Double], band: (lower: [Double], upper: [Double])? = nil,
                markers: Bool = false, line: Bool = true) {
        precondition(x.count == y.count, "PlotSeries \(name): \(x.count) x values for \(y.count) y values")
        if let band { precondition(band.lower.count == x.count && band.upper.count == x.count, "PlotSeries \(name): band length") }
        self.name = name; self.x = x; self.y = y; self.band = band; self.markers = markers; self.line = line
    }
}

public struct Plot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [PlotSeries]
    public var width = 640.0
    public var height = 400.0

    public init(title: String, xLabel: String, yLabel: String, series: [PlotSeries]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    /// A colour-blind-safe palette (Okabe–Ito), cycled.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// The plot as an SVG document. Non-finite values are left out of lines, bands and ranges.
    public var svg: String {
        let left = 70.0, right = 20.0, top = 36.0, bottom = 50.0
        let legendHeight = 18.0 * Double(series.count)
        let plotW = width - left - right, plotH = height - top - bottom - legendHeight
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite { xs.append(x); ys.append(y) }
            if let band = s.band { ys += (band.lower + band.upper).filter(\.isFinite) }
        }
        // An x axis of whole numbers (iterations, adaptation steps, task indices) gets whole ticks.
        let xAxis = Axis(values: xs, integral: xs.allSatisfy { $0 == $0.rounded() }), yAxis = Axis(values: ys)
        func px(_ x: Double) -> Double { left + (x - xAxis.low) / (xAxis.high - xAxis.low) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yAxis.low) / (yAxis.high - yAxis.low) * plotH }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
        <rect x="0" y="0" width="\(f(width))" height="\(f(height))" fill="white"/>
        <text x="\(f(width / 2))" y="20" text-anchor="middle" font-size="14" font-weight="bold">\(escapeXML(title))</text>

        """
        // Grid, ticks and labels.
        for t in yAxis.ticks {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#e0e0e0\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(Axis.label(t))</text>\n"
        }
        for t in xAxis.ticks {
            out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH + 4))\" stroke=\"black\"/>"
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Axis.label(t))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 38))\" text-anchor=\"middle\">\(escapeXML(xLabel))</text>\n"
        out += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escapeXML(yLabel))</text>\n"
        for (k, s) in series.enumerated() {
            let colour = Plot.palette[k % Plot.palette.count]
            out += "<g class=\"series\" data-name=\"\(escapeXML(s.name))\">\n"
            if let band = s.band {
                let upper = zip(s.x, band.upper).filter { $0.isFinite && $1.isFinite }.map { "\(f(px($0))),\(f(py($1)))" }
                let lower = zip(s.x, band.lower).filter { $0.isFinite && $1.isFinite }.reversed().map { "\(f(px($0))),\(f(py($1)))" }
                if !upper.isEmpty {
                    out += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.2\" stroke=\"none\"/>\n"
                }
            }
            let points = zip(s.x, s.y).filter { $0.isFinite && $1.isFinite }
            if s.line && points.count > 1 {
                out += "<polyline class=\"line\" points=\"\(points.map { "\(f(px($0))),\(f(py($1)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            }
            if s.markers || points.count == 1 {
                for (x, y) in points { out += "<circle class=\"marker\" cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"3.5\" fill=\"\(colour)\"/>" }
                out += "\n"
            }
            out += "</g>\n"
            let ly = height - legendHeight - 8 + 18 * Double(k)
            out += "<rect x=\"\(f(left))\" y=\"\(f(ly))\" width=\"14\" height=\"10\" fill=\"\(colour)\"/>"
            out += "<text x=\"\(f(left + 20))\" y=\"\(f(ly + 9))\">\(escapeXML(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }
}

/// A linear axis over `values`: a range widened to round numbers and 4–8 ticks at 1, 2 or 5 × 10ⁿ.
struct Axis {
    let low: Double, high: Double, ticks: [Double]

    init(values: [Double], integral: Bool = false) {
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if lo == hi { lo -= lo == 0 ? 1 : abs(lo) * 0.5; hi += hi == 0 ? 1 : abs(hi) * 0.5 }
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integral { step = max(step, 1) }
        low = floor(lo / step) * step; high = ceil(hi / step) * step
        var ticks: [Double] = []
        var t = low
        while t <= high + step * 1e-9 { ticks.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        self.ticks = ticks
    }

    /// A tick label: as few digits as show the value (0.25, 1500, 1e+06).
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e5 || abs(v) < 1e-3 { return String(format: "%.0e", v) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

private func f(_ v: Double) -> String { String(format: "%.1f", v) }

/// `s` with XML's five special characters escaped.
public func escapeXML(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(c)
        }
    }
    return out
}
