import Audit
import Foundation

/// Turns a bundle's rows and events into the timeline's model: one lane per target (or per
/// engineer), sessions as bars, the selected events as ticks, marks and flags.
struct TimelineBuilder {
    var selection: BundleSelection
    var lanes: BundleWriter.LaneKey

    func model(_ extract: BundleExtract) -> TimelineModel {
        model(sessions: extract.sessions, events: extract.events)
    }

    /// From `session_summary` rows and stored events, whatever read them (a bundle's export,
    /// or the web page's scoped query).
    func model(sessions rows: [AuditRecord], events: [StoredEvent]) -> TimelineModel {
        func lane(target: String?, user: String?) -> String {
            switch lanes {
            case .target: target ?? "(no target)"
            case .user: user ?? "(unknown user)"
            }
        }
        var sessions: [TimelineModel.Session] = []
        var organizations: [String] = []
        var times: [Double] = []
        for row in rows {
            guard let id = row["session_id"]?.stringValue, let start = BundleFacts.seconds(row["opened_at"]?.stringValue) else { continue }
            let end = BundleFacts.seconds(row["closed_at"]?.stringValue)
            let organization = row["organization"]?.stringValue ?? "(none)"
            if !organizations.contains(organization) { organizations.append(organization) }
            sessions.append(.init(id: id, lane: lane(target: row["target"]?.stringValue, user: row["user"]?.stringValue),
                                  organization: organization, start: start, end: end))
            times.append(start)
            if let end { times.append(end) }
        }
        var moments: [TimelineModel.Moment] = []
        for event in events where event.kind != AuditEventKind.auditQuery.rawValue {
            guard let time = BundleFacts.seconds(event.time) else { continue }
            let kind: TimelineModel.MomentKind
            if BundleFacts.isDenial(event) { kind = .denial }
            else if BundleFacts.isBreakGlass(event) { kind = .breakGlass }
            else if BundleFacts.isApproval(event) { kind = .approval }
            else if BundleFacts.isFileTransfer(event) { kind = .file }
            else if BundleFacts.isCommand(event) { kind = .command }
            else { continue }
            moments.append(.init(lane: lane(target: event.target, user: event.user), time: time, kind: kind))
            times.append(time)
        }
        var start = BundleFacts.seconds(selection.since) ?? times.min() ?? 0
        var end = BundleFacts.seconds(selection.until) ?? times.max() ?? start + 60
        if selection.since == nil || selection.until == nil {
            // A margin so that the first and last sessions do not sit on the frame.
            let margin = max((end - start) * 0.02, 1)
            if selection.since == nil { start -= margin }
            if selection.until == nil { end += margin }
        }
        // Numbers in names in numeric order: web-2 before web-10.
        let laneNames = Set(sessions.map(\.lane) + moments.map(\.lane)).sorted {
            $0.compare($1, options: [.numeric, .caseInsensitive]) == .orderedAscending
        }
        return TimelineModel(
            title: "Timeline of \(selection.summary)", start: start, end: max(end, start + 1), sessions: sessions,
            moments: moments, lanes: laneNames, organizations: organizations.sorted())
    }
}
