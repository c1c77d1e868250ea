import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Postmortem
import Testing

struct TimelineLayoutTests {
    /// `sessions` sessions over `hours`, on `lanes` lanes with names of varied lengths, with
    /// commands, denials and flags; seeded, so a failure can be reproduced.
    static func model(sessions count: Int, lanes laneCount: Int, hours: Double, seed: UInt64) -> TimelineModel {
        var random = SplitMix(seed: seed)
        let start = 1_765_000_000.0
        let end = start + hours * 3_600
        let lanes = (0..<laneCount).map { index in
            index % 7 == 0 ? "a-very-long-target-name-that-goes-on-and-on-\(index).prod.retailer.example" : "web-\(index)"
        }
        var sessions: [TimelineModel.Session] = []
        var moments: [TimelineModel.Moment] = []
        for index in 0..<count {
            let lane = lanes[Int(random.next() % UInt64(laneCount))]
            let opened = start + Double(random.next() % UInt64(hours * 3_600))
            let length = Double(random.next() % 1_800) + 1
            sessions.append(.init(id: "s-\(index)", lane: lane, organization: index % 3 == 0 ? "provider" : "retailer",
                                  start: opened, end: index % 50 == 0 ? nil : min(opened + length, end)))
            moments.append(.init(lane: lane, time: opened + 1, kind: .command))
            if index % 10 == 0 { moments.append(.init(lane: lane, time: opened, kind: .denial)) }
            if index % 25 == 0 { moments.append(.init(lane: lane, time: opened, kind: index % 50 == 0 ? .breakGlass : .approval)) }
            if index % 4 == 0 { moments.append(.init(lane: lane, time: opened + 2, kind: .file)) }
        }
        let used = Set(sessions.map(\.lane)).sorted()
        return TimelineModel(title: "test", start: start, end: end, sessions: sessions, moments: moments, lanes: used,
                             organizations: ["provider", "retailer"])
    }

    static func expectReadable(_ layout: TimelineLayout, _ model: TimelineModel) {
        #expect(layout.lanes.count == model.lanes.count)
        for (index, lane) in layout.lanes.enumerated() {
            // Lanes stack without overlapping, each inside the plot.
            #expect(lane.band.height >= TimelineLayout.laneHeight)
            if index > 0 { #expect(!lane.band.overlaps(layout.lanes[index - 1].band), "lanes \(index - 1) and \(index) overlap") }
            // A label sits left of the plot, inside the picture, and within its lane's band.
            #expect(lane.label.box.x >= 0 && lane.label.box.maxX <= layout.plot.x, "label \(lane.label.text) leaves its column")
            #expect(lane.label.box.y >= lane.band.y && lane.label.box.maxY <= lane.band.maxY, "label \(lane.label.text) leaves its lane")
            // Bars inside their band and plot, never on top of each other.
            for (position, bar) in lane.bars.enumerated() {
                #expect(bar.rect.x >= layout.plot.x - 0.001 && bar.rect.maxX <= layout.plot.maxX + TimelineLayout.minimumBarWidth + 0.001)
                #expect(bar.rect.y >= lane.band.y && bar.rect.maxY <= lane.band.maxY)
                if position > 0 {
                    #expect(bar.rect.x >= lane.bars[position - 1].rect.maxX + TimelineLayout.minimumBarGap - 0.001,
                            "bars \(position - 1) and \(position) of lane \(lane.name) touch")
                }
            }
            for mark in lane.marks {
                #expect(mark.y >= lane.band.y && mark.y <= lane.band.maxY)
            }
        }
        let labels = layout.lanes.map(\.label.box)
        for index in labels.indices.dropFirst() { #expect(!labels[index].overlaps(labels[index - 1])) }
        // Axis labels: each row in order, none overlapping its neighbour, all inside the picture.
        for row in [layout.axis.map(\.utc.box), layout.axis.compactMap(\.zoned?.box)] {
            for box in row { #expect(box.x >= 0 && box.maxX <= layout.width, "axis label at \(box) leaves the picture") }
            for index in row.indices.dropFirst() { #expect(!row[index].overlaps(row[index - 1]), "axis labels \(row[index - 1]) and \(row[index]) overlap") }
        }
        for title in layout.axisTitles {
            for tick in layout.axis {
                #expect(!title.box.overlaps(tick.utc.box) && !(tick.zoned.map { title.box.overlaps($0.box) } ?? false),
                        "axis title \(title.text) overlaps a tick label at \(tick.x)")
            }
        }
        #expect(layout.axis.count >= 2, "an axis needs at least two ticks: \(layout.axis.count)")
        // Every session is drawn, alone or in a merged bar.
        let drawn = layout.lanes.flatMap { $0.bars.flatMap(\.sessionIDs) }
        #expect(drawn.count == model.sessions.count && Set(drawn) == Set(model.sessions.map(\.id)))
    }

    @Test func fiftySessionsOverTwoHoursAreReadableAndMostlyUnmerged() {
        let model = Self.model(sessions: 50, lanes: 8, hours: 2, seed: 1)
        let layout = TimelineLayout(model: model, zone: TimeZone(identifier: "Europe/Paris"))
        Self.expectReadable(layout, model)
        #expect(layout.axis.allSatisfy { $0.zoned != nil })
    }

    @Test(arguments: [(2_000, 40, 72.0), (2_000, 400, 24.0 * 30), (5, 1, 0.01)])
    func manySessionsOrLongRangesStayReadable(sessions: Int, lanes: Int, hours: Double) {
        let model = Self.model(sessions: sessions, lanes: lanes, hours: hours, seed: UInt64(sessions * lanes))
        let layout = TimelineLayout(model: model)
        Self.expectReadable(layout, model)
    }

    @Test func sessionsCloserThanAFewPixelsMergeIntoOneBarWithTheirCount() {
        let start = 1_765_000_000.0
        let sessions = (0..<10).map { TimelineModel.Session(id: "s-\($0)", lane: "web-01", organization: $0 < 5 ? "a" : "b",
                                                            start: start + 3_600 + Double($0), end: start + 3_600 + Double($0) + 2) }
        let model = TimelineModel(title: "t", start: start, end: start + 30 * 86_400, sessions: sessions, moments: [],
                                  lanes: ["web-01"], organizations: ["a", "b"])
        let layout = TimelineLayout(model: model)
        #expect(layout.lanes[0].bars.count == 1)
        #expect(layout.lanes[0].bars[0].sessionIDs.count == 10)
        #expect(layout.lanes[0].bars[0].organization == nil, "a bar of two organisations is drawn as mixed")
        #expect(layout.mergedSessions == 10)
    }

    @Test func svgIsWellFormedXMLAndEscapesNames() throws {
        var model = Self.model(sessions: 20, lanes: 3, hours: 1, seed: 3)
        model.lanes[0] = "<script>&\"x\""
        for index in model.sessions.indices where index % 3 == 0 { model.sessions[index].lane = model.lanes[0] }
        let svg = TimelineSVG.render(TimelineLayout(model: model, zone: TimeZone(identifier: "Asia/Tokyo")), model: model)
        #expect(!svg.contains("<script>"))
        let document = try XMLDocument(data: Data(svg.utf8))
        #expect(document.rootElement()?.name == "svg")
    }
}

/// A small seeded generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
