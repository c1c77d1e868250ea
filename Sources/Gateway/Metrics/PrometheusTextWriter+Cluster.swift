import ClusterStore

extension PrometheusTextWriter {
    /// How far PostgreSQL's copy of this node's chain is behind the local journal: the
    /// numbers to alert on when a node cannot ship (the gateway itself goes on serving).
    mutating func clusterShipping(_ status: ShippingStatus) {
        family("tracegate_cluster_lag_events", type: "gauge",
               help: "Audit events committed locally and not yet shipped to PostgreSQL.")
        sample("tracegate_cluster_lag_events", Int(status.lagEvents))
        family("tracegate_cluster_lag_seconds", type: "gauge",
               help: "Age of the oldest audit event not yet shipped to PostgreSQL (0 when all are shipped).")
        sample("tracegate_cluster_lag_seconds", status.lagSeconds)
        family("tracegate_cluster_shipped_event_id", type: "gauge",
               help: "Highest id of this node's audit events known to be in PostgreSQL.")
        sample("tracegate_cluster_shipped_event_id", Int(status.shippedID))
        family("tracegate_cluster_postgres_reachable", type: "gauge",
               help: "1 while the last attempt to reach PostgreSQL worked, 0 during an outage.")
        sample("tracegate_cluster_postgres_reachable", status.reachable ? 1 : 0)
    }
}
