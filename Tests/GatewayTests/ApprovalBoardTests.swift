import Foundation
@testable import Gateway
import Policy
import Testing

/// The board the requester's connection thread and the approver's shell share: one decision per
/// request, never by the requester or a colleague, and an approval covers only its own user,
/// target, login and ticket until its end.
@Suite("ApprovalBoard")
struct ApprovalBoardTests {
    let bob = User(name: "bob", organization: "provider", keys: [])
    let dave = User(name: "dave", organization: "provider", keys: [])
    let carol = User(name: "carol", organization: "retailer", keys: [])
    let erin = User(name: "erin", organization: "retailer", keys: [])
    let coverage = ApprovalBoard.Coverage(user: "bob", target: "db-01", login: "root", ticket: "INC-1")

    func request(_ id: String, waitUntil: Date = Date().addingTimeInterval(600)) -> ApprovalBoard.Request {
        ApprovalBoard.Request(
            id: id, connectionID: "c-1", coverage: coverage, organization: "provider", sourceAddress: "127.0.0.1",
            command: "uptime", rule: ApprovalRule(approvers: GrantSubjects(organizations: ["retailer", "provider"])),
            grantName: "grant #1", requestedAt: Date(), waitUntil: waitUntil)
    }

    @Test func oneDecisionPerRequestAndNeverByTheRequesterOrAColleague() {
        let board = ApprovalBoard()
        board.open(request("r-1"))
        guard case .failure(.refused(.ownRequest)) = board.claim("r-1", by: bob, at: Date()) else {
            Issue.record("bob claimed his own request")
            return
        }
        guard case .failure(.refused(.sameOrganization("provider"))) = board.claim("r-1", by: dave, at: Date()) else {
            Issue.record("dave (provider) claimed bob's request")
            return
        }
        guard case .success(let claimed) = board.claim("r-1", by: carol, at: Date()) else {
            Issue.record("carol could not claim")
            return
        }
        guard case .failure(.beingDecided) = board.claim("r-1", by: erin, at: Date()) else {
            Issue.record("a second approver claimed a request being decided")
            return
        }
        #expect(board.pendingRequests().isEmpty, "a claimed request is still listed")
        let approval = ApprovalBoard.InForce(approvalID: "r-1", approver: "carol", validUntil: Date().addingTimeInterval(60))
        board.publish(.approved(approval), for: claimed)
        guard case .approved(let seen)? = board.outcome(of: "r-1") else {
            Issue.record("no outcome for the requester")
            return
        }
        #expect(seen.approver == "carol")
        board.end("r-1", how: "approved by carol")
        guard case .failure(.ended("approved by carol")) = board.claim("r-1", by: erin, at: Date()) else {
            Issue.record("an ended request could be claimed")
            return
        }
    }

    @Test func anApprovalCoversOnlyItsOwnSessionsUntilItEnds() {
        let board = ApprovalBoard()
        let now = Date()
        board.restore(ApprovalBoard.InForce(approvalID: "r-2", approver: "carol", validUntil: now.addingTimeInterval(60)),
                      covering: coverage)
        #expect(board.approval(covering: coverage, at: now)?.approvalID == "r-2")
        var otherTicket = coverage
        otherTicket.ticket = "INC-2"
        #expect(board.approval(covering: otherTicket, at: now) == nil)
        var otherLogin = coverage
        otherLogin.login = "deploy"
        #expect(board.approval(covering: otherLogin, at: now) == nil)
        #expect(board.approval(covering: coverage, at: now.addingTimeInterval(61)) == nil)
        #expect(board.approval(covering: coverage, at: now) == nil, "an ended approval came back")
    }

    @Test func anExpiredRequestCannotBeDecided() {
        let board = ApprovalBoard()
        board.open(request("r-3", waitUntil: Date().addingTimeInterval(-1)))
        guard case .failure(.ended("expired")) = board.claim("r-3", by: carol, at: Date()) else {
            Issue.record("an expired request could be claimed")
            return
        }
        guard case .failure(.unknown) = board.claim("r-404", by: carol, at: Date()) else {
            Issue.record("an unknown id could be claimed")
            return
        }
    }
}
