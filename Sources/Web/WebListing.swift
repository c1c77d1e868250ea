import Audit

/// A list page of the web: the trail listing it reads, its heading, and the columns of its
/// table. Connections and sessions have tables of their own (links to pages and replays); the
/// file ledger, approvals and break-glass reviews are drawn from their columns here.
struct WebListing: Sendable {
    let listing: AuditListing
    let title: String
    /// `nil` for the pages with a table of their own.
    let columns: [Column]?
    /// What the page says when no row matches.
    let emptyText: String

    struct Column: Sendable {
        let name: String
        let label: String
        var monospaced = false
    }

    var path: String { "/" + listing.name }

    /// The filter fields of `WebRoutes.filterFields` this listing can answer.
    var filterNames: Set<String> {
        var names: Set<String> = ["since", "until"]
        let columns = listing.filterableColumns
        for (field, column) in [("user", "user"), ("org", "organization"), ("target", "target"), ("login", "login"),
                                ("ticket", "ticket"), ("result", "result")] where columns.contains(column) {
            names.insert(field)
        }
        return names
    }

    static let connections = WebListing(listing: .connections, title: "Connections", columns: nil,
                                        emptyText: "No connections match.")
    static let sessions = WebListing(listing: .sessions, title: "Sessions", columns: nil, emptyText: "No sessions match.")

    static let files = WebListing(
        listing: .files, title: "Files",
        columns: [
            Column(name: "time", label: "Time"), Column(name: "user", label: "User"),
            Column(name: "organization", label: "Org"), Column(name: "target", label: "Target"),
            Column(name: "login", label: "Login"), Column(name: "protocol", label: "Protocol"),
            Column(name: "operation", label: "Operation"), Column(name: "path", label: "Path", monospaced: true),
            Column(name: "second_path", label: "Other path", monospaced: true), Column(name: "bytes", label: "Bytes"),
            Column(name: "sha256", label: "SHA-256", monospaced: true), Column(name: "integrity", label: "Integrity"),
            Column(name: "status", label: "Status"), Column(name: "connection_id", label: "Connection", monospaced: true),
        ],
        emptyText: "No file matches.")

    static let approvals = WebListing(
        listing: .approvals, title: "Approvals",
        columns: [
            Column(name: "requested_at", label: "Requested"), Column(name: "approval_id", label: "Request", monospaced: true),
            Column(name: "user", label: "User"), Column(name: "organization", label: "Org"),
            Column(name: "target", label: "Target"), Column(name: "login", label: "Login"),
            Column(name: "ticket", label: "Ticket"), Column(name: "command", label: "Command", monospaced: true),
            Column(name: "approvers", label: "Approvers"), Column(name: "status", label: "Status"),
            Column(name: "decided_by", label: "Decided by"), Column(name: "decided_by_org", label: "Their org"),
            Column(name: "decision_note", label: "Note"), Column(name: "connection_id", label: "Connection", monospaced: true),
        ],
        emptyText: "No approval request matches.")

    static let reviews = WebListing(
        listing: .reviews, title: "Break-glass reviews",
        columns: [
            Column(name: "opened_at", label: "Opened"), Column(name: "review_id", label: "Review", monospaced: true),
            Column(name: "user", label: "User"), Column(name: "organization", label: "Org"),
            Column(name: "target", label: "Target"), Column(name: "login", label: "Login"),
            Column(name: "reason", label: "Reason"), Column(name: "result", label: "Result"),
            Column(name: "reviewed_by", label: "Reviewed by"), Column(name: "reviewed_by_org", label: "Their org"),
            Column(name: "review_note", label: "Note"), Column(name: "connection_id", label: "Connection", monospaced: true),
        ],
        emptyText: "No break-glass review matches.")

    static let all: [WebListing] = [.connections, .sessions, .files, .approvals, .reviews]
}
