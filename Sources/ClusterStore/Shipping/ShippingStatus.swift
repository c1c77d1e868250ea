/// How far PostgreSQL is behind this node's own trail, as the shipper last saw it: exported
/// as metrics and written into the node's row of `nodes`.
package struct ShippingStatus: Sendable, Hashable {
    /// Whether the last attempt to reach PostgreSQL worked.
    package var reachable = false
    /// The highest event id of this node known to be in PostgreSQL.
    package var shippedID: Int64 = 0
    /// Events committed locally and not yet in PostgreSQL.
    package var lagEvents: Int64 = 0
    /// Age of the oldest of those, in seconds (0 when none).
    package var lagSeconds: Double = 0

    package init() {}
}

/// What the shipper reports about its node besides the trail: read at each heartbeat.
package struct NodeFacts: Sendable, Hashable {
    package var configurationSHA256: String?
    package var sessionsOpen: Int
    package var version: String

    package init(configurationSHA256: String?, sessionsOpen: Int, version: String) {
        self.configurationSHA256 = configurationSHA256
        self.sessionsOpen = sessionsOpen
        self.version = version
    }
}

/// How the shipper paces itself.
package struct ShippingSchedule: Sendable {
    /// Between two looks at the local trail when all is shipped: well under the one second
    /// the issue allows between an event's commit and its arrival in PostgreSQL.
    package var pollInterval: Duration = .milliseconds(200)
    /// Between two writes of the node's row (last seen, lag).
    package var heartbeatInterval: Duration = .seconds(2)
    /// Upper bound of the wait between attempts while PostgreSQL is unreachable.
    package var maximumBackoff: Duration = .seconds(5)
    /// Events per INSERT: 23 parameters each, far below PostgreSQL's 65 535.
    package var batchSize = 200

    package init() {}
}
