import Foundation

/// One session channel waiting for an approval: its request, until when, and what the
/// engineer was told. Touched only by the channel's connection thread.
final class ApprovalWait {
    let id: String
    let waitUntil: Date
    /// `10m`: the grant's wait, for the expiry line.
    let waitText: String
    /// The line on the engineer's terminal (stderr for exec).
    let announcement: String
    var announced = false
    /// Ctrl-C on a terminal, or the channel closed: the request is withdrawn.
    var withdrawn = false

    init(id: String, waitUntil: Date, waitText: String, announcement: String) {
        self.id = id
        self.waitUntil = waitUntil
        self.waitText = waitText
        self.announcement = announcement
    }
}
