/// A stacked bar chart as inline SVG: the console may load nothing from elsewhere, so charts are markup.
enum SVGBarChart {
    struct Bar: Sendable {
        var label: String
        /// Stacked from the bottom, in the order of the chart's series.
        var values: [Int]
    }

    struct Series: Sendable {
        var name: String
        /// A CSS colour written in this source file, never data.
        var colour: String
    }

    static func render(_ bars: [Bar], series: [Series], title: String, id: String) -> HTML {
        let barWidth = 28
        let gap = 14
        let left = 44
        let top = 24
        let plotHeight = 150
        let width = left + max(1, bars.count) * (barWidth + gap) + gap
        let height = top + plotHeight + 40
        let maximum = max(1, bars.map { $0.values.reduce(0, +) }.max() ?? 1)
        let scale = Double(plotHeight) / Double(niceCeiling(maximum))

        var parts: [HTML] = []
        // Grid lines and their values at 0, ½ and the top.
        for fraction in [0.0, 0.5, 1.0] {
            let value = Int(Double(niceCeiling(maximum)) * fraction)
            let y = top + plotHeight - Int(Double(value) * scale)
            parts.append(
                "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - gap / 2)\" y2=\"\(y)\" stroke=\"#d5dde6\"/><text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\" font-size=\"11\">\(value)</text>"
            )
        }
        for (index, bar) in bars.enumerated() {
            let x = left + gap + index * (barWidth + gap)
            var base = top + plotHeight
            for (seriesIndex, value) in bar.values.enumerated() where value > 0 && seriesIndex < series.count {
                let barHeight = max(1, Int((Double(value) * scale).rounded()))
                base -= barHeight
                parts.append(
                    "<rect x=\"\(x)\" y=\"\(base)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"\(HTML(unsafeMarkup: series[seriesIndex].colour))\"><title>\(bar.label) \(series[seriesIndex].name): \(value)</title></rect>"
                )
            }
            parts.append(
                "<text x=\"\(x + barWidth / 2)\" y=\"\(top + plotHeight + 14)\" text-anchor=\"middle\" font-size=\"10\">\(String(bar.label.suffix(5)))</text>"
            )
        }
        let legend: [HTML] = series.enumerated().map { index, item in
            let x = left + index * 110
            return
                "<rect x=\"\(x)\" y=\"\(height - 14)\" width=\"10\" height=\"10\" fill=\"\(HTML(unsafeMarkup: item.colour))\"/><text x=\"\(x + 14)\" y=\"\(height - 5)\" font-size=\"11\">\(item.name)</text>"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" id="\(id)" role="img" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" aria-label="\(title)">\
            <title>\(title)</title>\(parts)\(legend)</svg>
            """
    }

    /// 1, 2, 5 × 10ⁿ at or above `value`, so that the axis reads in round numbers.
    static func niceCeiling(_ value: Int) -> Int {
        var magnitude = 1
        while magnitude * 10 <= value { magnitude *= 10 }
        for step in [1, 2, 5, 10] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }
}
