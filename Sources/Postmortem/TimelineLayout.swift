import Foundation

/// The geometry of the timeline: where every lane, label, bar, tick and axis label goes, in
/// SVG user units. Kept apart from the SVG text so that tests can check the picture's
/// promises on numbers: lanes and labels never overlap, bars in a lane never overlap (at long
/// ranges, sessions closer than a few pixels merge into one bar with a count), and axis
/// labels keep their distance.
package struct TimelineLayout: Sendable {
    package struct Rect: Sendable, Hashable {
        package var x: Double
        package var y: Double
        package var width: Double
        package var height: Double

        package var maxX: Double { x + width }
        package var maxY: Double { y + height }

        package func overlaps(_ other: Rect) -> Bool {
            x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
        }
    }

    package struct Label: Sendable, Hashable {
        package var text: String
        /// The box the text fits in (estimated from the font size).
        package var box: Rect
    }

    package struct Bar: Sendable, Hashable {
        package var rect: Rect
        /// Index into the model's organisations; nil for a merged bar of several organisations.
        package var organization: Int?
        package var sessionIDs: [String]
    }

    package struct Mark: Sendable, Hashable {
        package var x: Double
        package var y: Double
        package var kind: TimelineModel.MomentKind
        /// Moments drawn as this one mark (same pixel column, same lane, same kind).
        package var count: Int
    }

    package struct Lane: Sendable, Hashable {
        package var name: String
        package var band: Rect
        package var label: Label
        package var bars: [Bar]
        package var marks: [Mark]
    }

    package struct AxisTick: Sendable, Hashable {
        package var x: Double
        package var utc: Label
        package var zoned: Label?
    }

    package var width: Double
    package var height: Double
    package var plot: Rect
    package var lanes: [Lane]
    package var axis: [AxisTick]
    /// "UTC" and the zone's name, left of the axis rows.
    package var axisTitles: [Label]
    /// Sessions merged into a bar with others (shown as counts).
    package var mergedSessions: Int

    // Fixed metrics: a 12-unit sans-serif font averages under 7.2 units a character.
    package static let fontSize = 12.0
    package static let characterWidth = 7.2
    package static let laneHeight = 20.0
    package static let barHeight = 12.0
    package static let axisHeight = 44.0
    package static let minimumBarGap = 2.0
    package static let minimumBarWidth = 3.0
    package static let maximumLabelWidth = 220.0

    /// Lays out `model` on a picture `width` units wide; `zone` adds a second row of axis labels.
    package init(model: TimelineModel, width: Double = 1_200, zone: TimeZone? = nil) {
        self.width = width
        let longest = model.lanes.map { Double($0.count) * Self.characterWidth }.max() ?? 40
        let labelWidth = min(Self.maximumLabelWidth, max(40, longest))
        let left = labelWidth + 16
        let right = 16.0
        let top = Self.axisHeight + 24
        plot = Rect(x: left, y: top, width: max(100, width - left - right), height: Double(model.lanes.count) * Self.laneHeight)
        height = plot.maxY + 16
        let span = max(model.end - model.start, 1)
        let scale = plot.width / span
        let plot = self.plot
        func x(_ time: Double) -> Double { plot.x + min(max(time - model.start, 0), span) * scale }

        var sessionsByLane: [String: [TimelineModel.Session]] = [:]
        for session in model.sessions { sessionsByLane[session.lane, default: []].append(session) }
        var momentsByLane: [String: [TimelineModel.Moment]] = [:]
        for moment in model.moments { momentsByLane[moment.lane, default: []].append(moment) }
        let organizationIndex = Dictionary(model.organizations.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        var merged = 0
        lanes = model.lanes.enumerated().map { index, name in
            let band = Rect(x: plot.x, y: plot.y + Double(index) * Self.laneHeight, width: plot.width, height: Self.laneHeight)
            let text = Self.fitted(name, width: labelWidth)
            let label = Label(text: text, box: Rect(
                x: left - 8 - Double(text.count) * Self.characterWidth, y: band.y + (Self.laneHeight - Self.fontSize) / 2 - 1,
                width: Double(text.count) * Self.characterWidth, height: Self.fontSize + 2))
            let barY = band.y + (Self.laneHeight - Self.barHeight) / 2
            var bars: [Bar] = []
            for session in (sessionsByLane[name] ?? []).sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
                let startX = x(session.start)
                // At least a few units wide: a one-minute session on a month's axis stays visible.
                let endX = min(max(x(session.end ?? model.end), startX + Self.minimumBarWidth), plot.maxX + Self.minimumBarWidth)
                let organization = organizationIndex[session.organization]
                // A bar that would touch or overlap the previous one joins it.
                if var last = bars.last, startX < last.rect.maxX + Self.minimumBarGap {
                    last.rect.width = max(last.rect.maxX, endX) - last.rect.x
                    if last.organization != organization { last.organization = nil }
                    last.sessionIDs.append(session.id)
                    bars[bars.count - 1] = last
                    merged += last.sessionIDs.count == 2 ? 2 : 1
                } else {
                    bars.append(Bar(rect: Rect(x: startX, y: barY, width: endX - startX, height: Self.barHeight),
                                    organization: organization, sessionIDs: [session.id]))
                }
            }
            var marks: [Mark] = []
            var seen: [String: Int] = [:]
            for moment in (momentsByLane[name] ?? []).sorted(by: { $0.time < $1.time }) {
                let column = x(moment.time).rounded()
                let key = "\(moment.kind.rawValue)@\(column)"
                if let existing = seen[key] {
                    marks[existing].count += 1
                    continue
                }
                let y: Double = switch moment.kind {
                case .command, .file: barY
                case .denial: band.y + Self.laneHeight / 2
                case .approval, .breakGlass: band.y + 2
                }
                seen[key] = marks.count
                marks.append(Mark(x: column, y: y, kind: moment.kind, count: 1))
            }
            return Lane(name: name, band: band, label: label, bars: bars, marks: marks)
        }
        mergedSessions = merged
        let titles = ["UTC"] + (zone.map { [$0.identifier] } ?? [])
        axisTitles = titles.enumerated().map { row, text in
            Label(text: text, box: Rect(x: 4, y: 8 + Double(row) * (Self.fontSize + 8),
                                        width: Double(text.count) * Self.characterWidth, height: Self.fontSize + 2))
        }
        let titlesEnd = axisTitles.map(\.box.maxX).max() ?? 0
        // A tick whose label would run into the row titles is left out (there is one a step later).
        axis = Self.axisTicks(start: model.start, end: model.end, plot: plot, zone: zone)
            .filter { tick in [tick.utc.box, tick.zoned?.box].compactMap { $0 }.allSatisfy { $0.x >= titlesEnd + 8 } }
    }

    /// `text` cut with an ellipsis to fit `width`.
    static func fitted(_ text: String, width: Double) -> String {
        let fits = Int(width / characterWidth)
        guard text.count > fits else { return text }
        return String(text.prefix(max(1, fits - 1))) + "…"
    }

    /// Steps a human reads on an axis, in seconds.
    static let steps: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
        172_800, 604_800, 1_209_600, 2_592_000, 7_776_000, 31_536_000,
    ]

    static func axisTicks(start: Double, end: Double, plot: Rect, zone: TimeZone?) -> [AxisTick] {
        let span = max(end - start, 1)
        let scale = plot.width / span
        // The widest label decides the spacing: "2026-12-06 09:15:02" at most.
        let labelWidth = 19 * characterWidth
        let step = steps.first { $0 * scale >= labelWidth + 12 } ?? steps.last!
        let showsDate = span >= 86_400 || !sameDay(start, end)
        let format = step >= 86_400 ? "yyyy-MM-dd" : (showsDate ? "MM-dd HH:mm" : (step >= 60 ? "HH:mm" : "HH:mm:ss"))
        let utcFormatter = formatter(format, zone: TimeZone(identifier: "UTC")!)
        let zoneFormatter = zone.map { formatter(format, zone: $0) }
        var ticks: [AxisTick] = []
        var time = (start / step).rounded(.up) * step
        while time <= end {
            let x = plot.x + (time - start) * scale
            let date = Date(timeIntervalSince1970: time)
            func label(_ text: String, row: Double) -> Label {
                let width = Double(text.count) * characterWidth
                // Kept inside the picture: the first and last labels would stick out.
                let left = min(max(x - width / 2, 0), plot.maxX + 16 - width)
                return Label(text: text, box: Rect(x: left, y: row, width: width, height: fontSize + 2))
            }
            ticks.append(AxisTick(
                x: x, utc: label(utcFormatter.string(from: date), row: 8),
                zoned: zoneFormatter.map { label($0.string(from: date), row: 8 + fontSize + 8) }))
            time += step
        }
        return ticks
    }

    private static func sameDay(_ first: Double, _ second: Double) -> Bool {
        Int(first / 86_400) == Int(second / 86_400)
    }

    private static func formatter(_ format: String, zone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = format
        return formatter
    }
}
