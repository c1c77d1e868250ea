import Audit
import ClusterStore
import Testing

/// The pure parts of the cluster's shared live state: what a notification says, and which
/// locks a node holds when PostgreSQL's view and its own unpushed changes disagree.
@Suite struct SharedStateTests {
    private func lock(_ id: String, _ name: String, at seconds: Double) -> LockRecord {
        LockRecord(id: id, kind: .user, name: name, reason: "test", createdAt: AuditTimestamp(secondsSinceEpoch: seconds),
                   createdBy: "alice", createdByOrganization: "retailer", expiresAt: nil)
    }

    @Test func aLockNotificationNamesItsLockAndRoundTrips() {
        #expect(SharedStateChange(payload: "lock:l-7f3a9c") == .lock(id: "l-7f3a9c"))
        #expect(SharedStateChange.lock(id: "l-1").payload == "lock:l-1")
        #expect(SharedStateChange(payload: SharedStateChange.lock(id: "l-x").payload) == .lock(id: "l-x"))
    }

    @Test func anApprovalNotificationNamesItsRequestAndRoundTrips() {
        #expect(SharedStateChange(payload: "approval:r-0badcafe") == .approval(id: "r-0badcafe"))
        #expect(SharedStateChange.approval(id: "r-1").payload == "approval:r-1")
        #expect(SharedStateChange(payload: "approval:") == nil)
    }

    @Test func aReviewNotificationNamesItsItemAndRoundTrips() {
        #expect(SharedStateChange(payload: "review:b-0badcafe") == .review(id: "b-0badcafe"))
        #expect(SharedStateChange.review(id: "b-1").payload == "review:b-1")
    }

    @Test func aSecondFactorNotificationNamesItsUserAndRoundTrips() {
        #expect(SharedStateChange(payload: "mfa:bob") == .secondFactor(user: "bob"))
        #expect(SharedStateChange.secondFactor(user: "o.1").payload == "mfa:o.1")
        #expect(SharedStateChange(payload: "mfa:") == nil)
    }

    @Test func payloadsThatAreNotOursAreNotParsed() {
        for payload in ["", "lock", "lock:", "reviews:b-1", "lock:l 1", "lock:l-\u{7}", "lock:é",
                        "lock:" + String(repeating: "a", count: 65), ":l-1"] {
            #expect(SharedStateChange(payload: payload) == nil, "\(payload)")
        }
    }

    @Test func theRemoteViewIsKeptWhenNothingWaits() {
        let remote = [lock("l-1", "bob", at: 10), lock("l-2", "eve", at: 20)]
        #expect(SharedLockMerge.locks(remote: remote, pending: []) == remote)
    }

    @Test func aLockSetHereAndNotYetPushedStaysInForce() {
        let mine = lock("l-3", "mallory", at: 15)
        let merged = SharedLockMerge.locks(remote: [lock("l-1", "bob", at: 10), lock("l-2", "eve", at: 20)],
                                           pending: [.lockCreated(mine)])
        #expect(merged.map(\.id) == ["l-1", "l-3", "l-2"], "oldest first")
    }

    @Test func anUnlockHereAndNotYetPushedIsNotUndoneByTheRemoteView() {
        let remote = [lock("l-1", "bob", at: 10), lock("l-2", "eve", at: 20)]
        let merged = SharedLockMerge.locks(remote: remote, pending: [.lockRemoved(remote[0], by: "alice", at: .now())])
        #expect(merged.map(\.id) == ["l-2"])
    }

    @Test func aLockSetAndLiftedHereBeforeAnyPushIsNotInForce() {
        let brief = lock("l-4", "bob", at: 30)
        let merged = SharedLockMerge.locks(remote: [], pending: [.lockCreated(brief), .lockRemoved(brief, by: "alice", at: .now())])
        #expect(merged.isEmpty)
    }

    @Test func queuedApprovalWritesDoNotTouchTheLocks() {
        let remote = [lock("l-6", "bob", at: 50)]
        let request = SharedApprovalRequest(
            id: "r-1", connectionID: "c-1", user: "bob", organization: "provider", target: "web-02", login: "root",
            ticket: nil, sourceAddress: "127.0.0.1", command: "shell", grantName: "grant #3",
            requestedAt: AuditTimestamp(secondsSinceEpoch: 60), waitUntil: AuditTimestamp(secondsSinceEpoch: 180))
        #expect(SharedLockMerge.locks(remote: remote, pending: [.approvalRequested(request),
                                                                .approvalEnded(id: "r-1", status: "withdrawn")]) == remote)
    }

    @Test func aPushedLockIsNotCountedTwice() {
        let both = lock("l-5", "bob", at: 40)
        #expect(SharedLockMerge.locks(remote: [both], pending: [.lockCreated(both)]) == [both])
    }
}
