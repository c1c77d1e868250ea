import Foundation

/// What the gateway remembers about second factors between connections: sealed secrets,
/// enrolment windows, the last accepted step per user (replays are refused across
/// connections) and the last good code per user and source address (the reuse window).
///
/// A protocol so that another engine can hold the same state without touching `Gateway`:
/// `SQLiteSecondFactorStore` keeps it in audit.db, `ClusteredSecondFactorStore` (ClusterStore)
/// in PostgreSQL, shared by every node of a cluster. Every
/// method is a short transaction of its own, called from a connection's own thread.
package protocol SecondFactorStore: Sendable {
    /// The user's enrolment with its secret opened, or nil if not enrolled.
    func enrolment(of user: String) throws(SecondFactorError) -> SecondFactorEnrolment?
    /// Accepts the code of `step` once: false if this step or a later one was accepted
    /// before (a replay, perhaps on another connection). Atomic.
    func accept(step: Int64, for user: String, at time: Date) throws(SecondFactorError) -> Bool
    /// Removes any secret and opens an enrolment window until `closes`. Returns whether a
    /// secret was removed.
    func reset(_ user: String, windowClosesAt closes: Date, by operatorName: String, at time: Date)
        throws(SecondFactorError) -> Bool
    /// Removes the secret and any window, ending the user's second factor. Returns whether
    /// there was anything to remove.
    func remove(_ user: String) throws(SecondFactorError) -> Bool
    /// The open enrolment window of `user` at `time`, if any.
    func enrolmentWindow(of user: String, at time: Date) throws(SecondFactorError) -> EnrolmentWindow?
    /// Stores `secret` as the user's factor if an enrolment window is open at `time`, and closes
    /// the window; `step` (the confirming code's) counts as used. False if no window is open.
    func enrol(_ user: String, secret: [UInt8], confirmedStep step: Int64, at time: Date) throws(SecondFactorError) -> Bool
    /// Remembers a good code from `source` for the reuse window.
    func recordVerification(of user: String, from source: String, connectionID: String, at time: Date)
        throws(SecondFactorError)
    /// The last good code of `user` from `source`, if any.
    func lastVerification(of user: String, from source: String) throws(SecondFactorError) -> SecondFactorVerification?
    /// Every enrolled user and every open window, by user name.
    func listing(at time: Date) throws(SecondFactorError) -> [SecondFactorListing]
}

package struct SecondFactorEnrolment: Sendable {
    package var secret: [UInt8]
    package var enrolledAt: Date
    package var lastUsedAt: Date?
    package var lastStep: Int64?

    package init(secret: [UInt8], enrolledAt: Date, lastUsedAt: Date?, lastStep: Int64?) {
        self.secret = secret
        self.enrolledAt = enrolledAt
        self.lastUsedAt = lastUsedAt
        self.lastStep = lastStep
    }
}

package struct EnrolmentWindow: Sendable, Equatable {
    package var openedAt: Date
    package var closesAt: Date
    package var openedBy: String

    package init(openedAt: Date, closesAt: Date, openedBy: String) {
        self.openedAt = openedAt
        self.closesAt = closesAt
        self.openedBy = openedBy
    }
}

package struct SecondFactorVerification: Sendable, Equatable {
    package var verifiedAt: Date
    package var connectionID: String

    package init(verifiedAt: Date, connectionID: String) {
        self.verifiedAt = verifiedAt
        self.connectionID = connectionID
    }
}

package struct SecondFactorListing: Sendable, Equatable {
    package var user: String
    package var enrolledAt: Date?
    package var lastUsedAt: Date?
    /// When the user's open enrolment window closes, if one is open.
    package var windowClosesAt: Date?

    package init(user: String, enrolledAt: Date? = nil, lastUsedAt: Date? = nil, windowClosesAt: Date? = nil) {
        self.user = user
        self.enrolledAt = enrolledAt
        self.lastUsedAt = lastUsedAt
        self.windowClosesAt = windowClosesAt
    }
}

package enum SecondFactorError: Error, Sendable, CustomStringConvertible {
    case store(AuditError)
    /// The key file is missing where a secret exists, unreadable, or readable by others.
    case key(String)
    /// A sealed secret that the key cannot open (another gateway's key, or a tampered row).
    case unreadableSecret(user: String)
    /// A clustered node cannot reach (or use) the shared state in PostgreSQL. No node answers
    /// for a second factor from a copy of its own: the login is refused until it returns.
    case sharedState(String)

    package var description: String {
        switch self {
        case .store(let error): error.description
        case .key(let reason): "second-factor key: \(reason)"
        case .unreadableSecret(let user):
            "the second-factor secret of \(user) cannot be opened with this gateway's key (restored without its key?); reset it with `tracegate mfa reset \(user)`"
        case .sharedState(let reason): "the cluster's second-factor state in PostgreSQL cannot be used: \(reason)"
        }
    }
}
