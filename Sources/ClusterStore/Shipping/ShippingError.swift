/// Why the shipper cannot go on with a connection that works.
enum ShippingError: Error, CustomStringConvertible {
    /// PostgreSQL has no schema yet: `tracegate cluster migrate` was never run against it.
    case notMigrated
    /// PostgreSQL holds a different chain under this node's name than the local trail
    /// (a node name used twice, or a local trail replaced): shipping would mix two chains.
    case diverged(node: String, eventID: Int64)

    var description: String {
        switch self {
        case .notMigrated:
            "the PostgreSQL database has no tracegate schema; run `tracegate cluster migrate`"
        case .diverged(let node, let id):
            "PostgreSQL holds another chain for node \(node) at event \(id) than this node's trail: is the node name used twice, or was the local trail replaced?"
        }
    }
}
