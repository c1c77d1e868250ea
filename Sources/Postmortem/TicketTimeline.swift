import Audit
import Foundation

/// The bundle's timeline picture for rows read elsewhere (the web page's `/timeline`): the same
/// model, layout and drawing as `timeline.svg` in a bundle, lanes by target.
package enum TicketTimeline {
    package static func svg(ticket: String, sessions: [AuditRecord], events: [StoredEvent], zone: TimeZone? = nil) -> String {
        let builder = TimelineBuilder(selection: BundleSelection(ticket: ticket), lanes: .target)
        let model = builder.model(sessions: sessions, events: events)
        return TimelineSVG.render(TimelineLayout(model: model, zone: zone), model: model)
    }
}
