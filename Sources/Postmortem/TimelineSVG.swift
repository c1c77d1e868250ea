/// The timeline as SVG text: a `TimelineLayout` drawn with rectangles, lines and text, plus a
/// title per bar (tooltip) naming its sessions. No script, no external reference.
package enum TimelineSVG {
    /// Colours for organisations in legend order (colour-blind-safe Okabe-Ito palette), then grey.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
    static let mixed = "#777777"

    package static func color(ofOrganization index: Int?) -> String {
        guard let index else { return mixed }
        return index < palette.count ? palette[index] : mixed
    }

    package static func render(_ layout: TimelineLayout, model: TimelineModel) -> String {
        let legendHeight = 22.0
        let height = layout.height + legendHeight
        var out: [String] = []
        out.append(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        out.append(#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(n(layout.width))" height="\#(n(height))" "#
                   + #"viewBox="0 0 \#(n(layout.width)) \#(n(height))" font-family="DejaVu Sans, Verdana, sans-serif" font-size="\#(n(TimelineLayout.fontSize))">"#)
        out.append("<title>\(escape(model.title))</title>")
        out.append(#"<rect x="0" y="0" width="\#(n(layout.width))" height="\#(n(height))" fill='#ffffff'/>"#)
        // Axis: grid lines and labels, UTC on the first row, the chosen zone on the second.
        let plot = layout.plot
        for title in layout.axisTitles { out.append(text(title, fill: "#333")) }
        for tick in layout.axis {
            out.append(#"<line x1="\#(n(tick.x))" y1="\#(n(plot.y - 6))" x2="\#(n(tick.x))" y2="\#(n(plot.maxY))" stroke='#e0e0e0'/>"#)
            out.append(text(tick.utc, fill: "#333"))
            if let zoned = tick.zoned { out.append(text(zoned, fill: "#666")) }
        }
        for (index, lane) in layout.lanes.enumerated() {
            if index % 2 == 1 {
                out.append(#"<rect x="\#(n(lane.band.x))" y="\#(n(lane.band.y))" width="\#(n(lane.band.width))" height="\#(n(lane.band.height))" fill='#f4f4f4'/>"#)
            }
            out.append(text(lane.label, fill: "#000"))
            for bar in lane.bars {
                let ids = bar.sessionIDs
                let tip = ids.count == 1 ? ids[0] : "\(ids.count) sessions: " + ids.prefix(20).joined(separator: ", ") + (ids.count > 20 ? ", …" : "")
                out.append(#"<rect x="\#(n(bar.rect.x))" y="\#(n(bar.rect.y))" width="\#(n(bar.rect.width))" height="\#(n(bar.rect.height))" "#
                           + #"fill="\#(color(ofOrganization: bar.organization))" fill-opacity="0.85"><title>\#(escape(tip))</title></rect>"#)
                if ids.count > 1, bar.rect.width >= Double(String(ids.count).count) * 7 + 4 {
                    out.append(#"<text x="\#(n(bar.rect.x + 2))" y="\#(n(bar.rect.maxY - 2))" font-size="10" fill='#fff'>\#(ids.count)</text>"#)
                }
            }
            for mark in lane.marks { out.append(draw(mark)) }
        }
        out.append(#"<rect x="\#(n(plot.x))" y="\#(n(plot.y))" width="\#(n(plot.width))" height="\#(n(plot.height))" fill="none" stroke='#999'/>"#)
        // Legend: organisations, then the marks.
        var x = 4.0
        let y = layout.height + 4
        for (index, organization) in model.organizations.enumerated() {
            out.append(#"<rect x="\#(n(x))" y="\#(n(y))" width="12" height="12" fill="\#(color(ofOrganization: index))"/>"#)
            out.append(#"<text x="\#(n(x + 16))" y="\#(n(y + 11))">\#(escape(organization))</text>"#)
            x += 16 + Double(organization.count) * TimelineLayout.characterWidth + 14
        }
        for (kind, label) in [(TimelineModel.MomentKind.command, "command"), (.file, "file transfer"), (.denial, "denial/refusal"),
                              (.approval, "approval"), (.breakGlass, "break-glass")] {
            out.append(draw(TimelineLayout.Mark(x: x + 4, y: kind == .denial ? y + 9 : (kind == .approval || kind == .breakGlass ? y : y), kind: kind, count: 1)))
            out.append(#"<text x="\#(n(x + 14))" y="\#(n(y + 11))">\#(label)</text>"#)
            x += 14 + Double(label.count) * TimelineLayout.characterWidth + 14
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private static func draw(_ mark: TimelineLayout.Mark) -> String {
        let tip = mark.count > 1 ? "<title>\(mark.count) \(mark.kind.rawValue)</title>" : "<title>\(mark.kind.rawValue)</title>"
        switch mark.kind {
        case .command:
            return #"<line x1="\#(n(mark.x))" y1="\#(n(mark.y))" x2="\#(n(mark.x))" y2="\#(n(mark.y + TimelineLayout.barHeight))" stroke='#111' stroke-width="1.5">\#(tip)</line>"#
        case .file:
            return #"<line x1="\#(n(mark.x))" y1="\#(n(mark.y - 2))" x2="\#(n(mark.x))" y2="\#(n(mark.y + TimelineLayout.barHeight + 2))" stroke='#7b3294' stroke-width="2.5">\#(tip)</line>"#
        case .denial:
            let s = 3.5
            return #"<path d="M\#(n(mark.x - s)) \#(n(mark.y - s))L\#(n(mark.x + s)) \#(n(mark.y + s))M\#(n(mark.x + s)) \#(n(mark.y - s))L\#(n(mark.x - s)) \#(n(mark.y + s))" stroke='#d7191c' stroke-width="2">\#(tip)</path>"#
        case .approval, .breakGlass:
            let fill = mark.kind == .approval ? "#1a9641" : "#d7191c"
            return #"<path d="M\#(n(mark.x)) \#(n(mark.y + 12))V\#(n(mark.y))h7l-2 3l2 3h-7" fill="\#(fill)" stroke="\#(fill)" stroke-width="1">\#(tip)</path>"#
        }
    }

    private static func text(_ label: TimelineLayout.Label, fill: String) -> String {
        #"<text x="\#(n(label.box.x))" y="\#(n(label.box.y + TimelineLayout.fontSize - 1))" fill="\#(fill)">\#(escape(label.text))</text>"#
    }

    /// Numbers with at most two decimals: shorter files, the same picture.
    static func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    package static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Characters XML 1.0 forbids are shown as U+FFFD rather than breaking the file.
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": out += "\u{FFFD}"
            case _ where scalar.value == 0xFFFE || scalar.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
