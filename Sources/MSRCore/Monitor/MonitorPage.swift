import FoundationEssentials
import Glibc

/// monitoring.html: one self-contained page (inline SVG, no script, no CDN) with the similarity
/// of every call coloured by genre, the rolling mean and the threshold line.
enum MonitorPage {
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf"]

    static func html(calls: [(genre: String, similarity: Double)], rolling: [Double], threshold: Double) -> String {
        let genres = Array(Set(calls.map(\.genre))).sorted()
        let legend = genres.enumerated().map { n, genre in
            "<span style=\"color:\(palette[n % palette.count])\">&#9679; \(HTMLText.escaped(genre))</span>"
        }.joined(separator: " ")
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>msr monitoring</title>
        <style>body{font-family:sans-serif;margin:2em}span{margin-right:1em}</style></head>
        <body><h1>Recommendation similarity</h1>
        <p>\(calls.count) calls; dashed line: threshold \(threshold); dark line: rolling mean.</p>
        \(svg(calls: calls, rolling: rolling, threshold: threshold))
        <p>\(legend)</p>
        </body></html>

        """
    }

    /// The most calls the chart draws as dots, and the most points of its rolling-mean line (one a
    /// pixel of the plot's width): a log of a million calls is a chart of a few hundred
    /// kilobytes, not of 60 MB a browser cannot lay out. The figures still count every call.
    static let maxDots = 2_000
    static let maxLinePoints = 720

    /// At most `most` of `0..<count`, evenly spaced, the first and the last included.
    static func spread(_ count: Int, most: Int) -> [Int] {
        guard count > most else { return Array(0..<count) }
        return (0..<most).map { Int((Double($0) * Double(count - 1) / Double(most - 1)).rounded()) }
    }

    /// The chart alone: one `<svg>` element, its colours by genre in name order; past `maxDots`
    /// calls, `maxDots` of them evenly spaced (the first and the last among them) are drawn, and
    /// the chart says so.
    static func svg(calls: [(genre: String, similarity: Double)], rolling: [Double], threshold: Double) -> String {
        let width = 800.0, height = 320.0, margin = 40.0
        let genres = Array(Set(calls.map(\.genre))).sorted()
        let low = min(0, calls.map(\.similarity).min() ?? 0, threshold), high = 1.0
        func x(_ n: Int) -> Double { margin + (width - 2 * margin) * (calls.count > 1 ? Double(n) / Double(calls.count - 1) : 0.5) }
        func y(_ value: Double) -> Double { height - margin - (height - 2 * margin) * (value - low) / (high - low) }
        func f(_ value: Double) -> String { String(printf: "%.1f", value) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"similarity per call\">\n"
        svg += "<line x1=\"\(f(margin))\" y1=\"\(f(y(low)))\" x2=\"\(f(width - margin))\" y2=\"\(f(y(low)))\" stroke=\"#999\"/>\n"
        // Axes: similarity ticks every 0.25 on the left, the first and last call underneath.
        svg += "<g font-size=\"11\" fill=\"#555\">\n"
        for tick in stride(from: (low * 4).rounded(.up) / 4, through: high, by: 0.25) {
            svg += "<line x1=\"\(f(margin - 4))\" y1=\"\(f(y(tick)))\" x2=\"\(f(margin))\" y2=\"\(f(y(tick)))\" stroke=\"#999\"/>"
                + "<text x=\"\(f(margin - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(String(printf: "%.2f", tick))</text>\n"
        }
        svg += "<text x=\"12\" y=\"\(f(height / 2))\" transform=\"rotate(-90 12 \(f(height / 2)))\" text-anchor=\"middle\">similarity</text>\n"
        svg += "<text x=\"\(f(x(0)))\" y=\"\(f(height - margin + 16))\" text-anchor=\"middle\">call 1</text>\n"
        if calls.count > 1 {
            svg += "<text x=\"\(f(x(calls.count - 1)))\" y=\"\(f(height - margin + 16))\" text-anchor=\"middle\">call \(calls.count)</text>\n"
        }
        svg += "<text x=\"\(f(width / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">calls, oldest to newest</text>\n</g>\n"
        svg += "<line x1=\"\(f(margin))\" y1=\"\(f(y(threshold)))\" x2=\"\(f(width - margin))\" y2=\"\(f(y(threshold)))\" "
            + "stroke=\"#d62728\" stroke-dasharray=\"6 4\"><title>threshold \(threshold)</title></line>\n"
        let dots = spread(calls.count, most: maxDots)
        if dots.count < calls.count {
            svg += "<text x=\"\(f(width - margin))\" y=\"\(f(margin - 12))\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">"
                + "\(dots.count) of \(calls.count) calls drawn, evenly spaced</text>\n"
        }
        for n in dots {
            let call = calls[n]
            let color = palette[(genres.firstIndex(of: call.genre) ?? 0) % palette.count]
            svg += "<circle cx=\"\(f(x(n)))\" cy=\"\(f(y(call.similarity)))\" r=\"3\" fill=\"\(color)\">"
                + "<title>call \(n + 1): \(HTMLText.escaped(call.genre)) \(String(printf: "%.3f", call.similarity))</title></circle>\n"
        }
        if rolling.count > 1 {
            let points = spread(rolling.count, most: maxLinePoints).map { "\(f(x($0))),\(f(y(rolling[$0])))" }.joined(separator: " ")
            svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#333\" stroke-width=\"2\"><title>rolling mean</title></polyline>\n"
        }
        svg += "</svg>"
        return svg
    }
}
