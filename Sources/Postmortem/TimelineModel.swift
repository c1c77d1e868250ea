/// What the timeline shows, in seconds since the Unix epoch, before any geometry.
package struct TimelineModel: Sendable, Hashable {
    package struct Session: Sendable, Hashable {
        package var id: String
        package var lane: String
        package var organization: String
        package var start: Double
        /// Nil while the session was open at export time: the bar runs to the range's end.
        package var end: Double?

        package init(id: String, lane: String, organization: String, start: Double, end: Double?) {
            self.id = id
            self.lane = lane
            self.organization = organization
            self.start = start
            self.end = end
        }
    }

    package enum MomentKind: String, Sendable, Hashable, CaseIterable {
        /// A command (exec or a typed line): a tick.
        case command
        /// A file transfer: a tick of its own colour.
        case file
        /// A denied access or a refused request: a mark below the lane.
        case denial
        /// An approval: a flag.
        case approval
        /// Break-glass access: a flag.
        case breakGlass = "break_glass"
    }

    package struct Moment: Sendable, Hashable {
        package var lane: String
        package var time: Double
        package var kind: MomentKind

        package init(lane: String, time: Double, kind: MomentKind) {
            self.lane = lane
            self.time = time
            self.kind = kind
        }
    }

    package var title: String
    package var start: Double
    package var end: Double
    package var sessions: [Session]
    package var moments: [Moment]
    /// Lanes with a session or a moment, in this order (the exporter sorts them by name).
    package var lanes: [String]
    /// Organisations in legend order; each gets a colour by its position.
    package var organizations: [String]

    package init(title: String, start: Double, end: Double, sessions: [Session], moments: [Moment],
                 lanes: [String], organizations: [String]) {
        self.title = title
        self.start = start
        self.end = end
        self.sessions = sessions
        self.moments = moments
        self.lanes = lanes
        self.organizations = organizations
    }
}
