import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Break-glass review items shared by the nodes of a cluster (issue 19, item 5): bob breaks
    /// the glass on node 1; the retailer sees the item on node 2 and closes it there; node 1 then
    /// shows it closed and refuses a second review. Two real gateway processes, one real
    /// PostgreSQL, real OpenSSH clients.
    @Suite(.clusterPair, .serialized, .timeLimit(.minutes(3)))
    struct ClusterReviewTests {
        /// `ssh alice@gw-N COMMAND` until `done` says so (10 s at most): the item crosses by
        /// the opening node's feed, within about a second.
        private func shell(_ client: OpenSSHClient, _ command: String, until done: (ProcessResult) -> Bool) async throws
            -> ProcessResult
        {
            var result = try await client.ssh(command)
            let deadline = ContinuousClock.now + .seconds(10)
            while !done(result) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                result = try await client.ssh(command)
            }
            return result
        }

        @Test func anItemOpenedOnNodeOneAndReviewedThroughNodeTwoIsClosedOnBoth() async throws {
            let scene = try SharedClusterPair.current()
            let glass = try await scene.onFirst("bob", target: "web-07").ssh(
                "echo glass-$((1+1))", options: ["-o", "SetEnv=TRACEGATE_BREAK_GLASS=\"web-07 down, INC-5\""])
            #expect(glass.succeeded && glass.stdout == "glass-2\n", "\(glass)\n\(scene.logTails)")
            let range = try #require(glass.stderr.range(of: #"review (b-[0-9a-f]+) is open"#, options: .regularExpression),
                                     "no review id in \(glass.stderr)")
            let id = String(glass.stderr[range].dropFirst("review ".count).prefix { $0 != " " })

            // The retailer connected to gw-2 sees the item of gw-1; bob may not close his own.
            let listed = try await shell(scene.onSecond("alice"), "reviews") { $0.stdout.contains(id) }
            #expect(listed.succeeded && listed.stdout.contains(id) && listed.stdout.contains("web-07 down, INC-5"),
                    "\(listed)\n\(scene.logTails)")
            let own = try await scene.onSecond("bob").ssh("review \(id) --accept fine")
            #expect(own.status == 1 && own.stdout.contains("you may not review \(id)"), "\(own)")

            let reviewed = try await scene.onSecond("alice").ssh("review \(id) --accept \"looked at the recording\"")
            #expect(reviewed.succeeded && reviewed.stdout == "accepted \(id): bob as \(scene.first.login) on web-07\n",
                    "\(reviewed)\n\(scene.logTails)")

            // Closed for gw-1 at once: not listed, and a second review is refused with who closed it.
            let firstList = try await scene.onFirst("alice").ssh("reviews")
            #expect(firstList.succeeded && !firstList.stdout.contains(id), "\(firstList)")
            let again = try await scene.onFirst("alice").ssh("review \(id) --reject late")
            #expect(again.status == 1 && again.stdout.contains("review \(id) is already closed (accepted by alice)"), "\(again)")

            // The evidence: breakglass.open in gw-1's chain, one breakglass.review in gw-2's, none in gw-1's.
            let opened = try await scene.first.auditDatabase.waitForRows(
                "SELECT id FROM events WHERE kind = 'breakglass.open' AND json_extract(details, '$.review_id') = '\(id)'")
            #expect(opened.count == 1, "\(opened)")
            let reviews = try await scene.secondAuditDatabase.waitForRows(
                "SELECT result FROM events WHERE kind = 'breakglass.review' AND json_extract(details, '$.review_id') = '\(id)'")
            #expect(reviews.map { $0["result"] } == ["accepted"], "\(reviews)")
            let firstReviews = try await scene.first.auditDatabase.query(
                "SELECT id FROM events WHERE kind = 'breakglass.review' AND json_extract(details, '$.review_id') = '\(id)'")
            #expect(firstReviews.isEmpty, "\(firstReviews)")
            let row = try await scene.postgres.query(
                "SELECT node, result, reviewed_by, review_node, review_note FROM shared_reviews WHERE id = '\(id)'",
                database: ClusterPairScene.database)
            #expect(row == ["gw-1|accepted|alice|gw-2|looked at the recording"], "\(row)")

            // Auditors on the cluster (`audit reviews` reads PostgreSQL) see the item once, with
            // the opening node and the closing made through the other: gw-1's own row stays open.
            var listing: [AuditRow] = []
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                let result = try await scene.second.run(["audit", "reviews", "--format", "json", "--limit", "0"])
                try #require(result.succeeded, "\(result)")
                listing = try AuditJSON.lines(result.stdout).filter { $0["review_id"] == id }
                if !listing.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(listing.count == 1 && listing.first?["node"] == "gw-1" && listing.first?["result"] == "accepted"
                    && listing.first?["reviewed_by"] == "alice" && listing.first?["review_note"] == "looked at the recording",
                    "\(listing)")
            let shipped = try await scene.postgres.query("SELECT node, result FROM reviews WHERE id = '\(id)'",
                                                         database: ClusterPairScene.database)
            #expect(shipped == ["gw-1|open"], "gw-1's shipped row, as its own chain has the item: \(shipped)")
            let open = try await scene.first.gateway.run(["audit", "reviews", "--open", "--format", "json", "--limit", "0"])
            #expect(open.succeeded && !open.stdout.contains(id), "\(open)")
        }
    }
}
