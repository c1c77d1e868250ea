/// Where `tracegate audit verify` and `audit events` read the trail (and, through
/// `AuditListingSource`, the listings): the node's own SQLite file, or the cluster's
/// PostgreSQL holding every node's chain. The commands hold one of these and never ask which
/// engine is behind it ("one state store, two engines").
package protocol AuditTrailSource: AuditListingSource {
    /// The columns `audit events` prints from this source (with `node` when several nodes).
    var eventListing: AuditListing { get }

    /// Streams the events matching `filter` to `body`, newest first.
    func forEachEvent(matching filter: AuditFilter, _ body: (AuditRecord) throws -> Void) throws(AuditError)

    /// Walks every chain the source holds. `expectedHashes` are heads kept from earlier runs,
    /// each of which some chain must still pass through; `progress` gets (checked, total).
    func verifyChains(expectedHashes: Set<String>, progress: ((Int64, Int64) -> Void)?) throws(AuditError) -> TrailVerification
}

/// The verdict on every chain of a source.
package struct TrailVerification: Sendable, Hashable {
    /// One chain's verdict; `node` is nil for a single node's own trail.
    package struct Chain: Sendable, Hashable {
        package var node: String?
        package var verdict: ChainVerification

        package init(node: String?, verdict: ChainVerification) {
            self.node = node
            self.verdict = verdict
        }
    }

    package var chains: [Chain]
    /// Expected head hashes found in no chain (a removed or replaced tail).
    package var missingExpectedHashes: [String] = []

    package init(chains: [Chain], missingExpectedHashes: [String] = []) {
        self.chains = chains
        self.missingExpectedHashes = missingExpectedHashes
    }

    package var isIntact: Bool {
        missingExpectedHashes.isEmpty && chains.allSatisfy(\.verdict.isIntact)
    }

    /// What `audit verify` prints: one line per chain (a node's prefixed with its name), then
    /// one per expected hash that no chain passes through.
    package var lines: [String] {
        chains.map { chain in chain.node.map { "node \($0): \(chain.verdict)" } ?? chain.verdict.description }
            + missingExpectedHashes.map { "BROKEN: no node's chain passes through expected hash \($0): later events were removed or replaced" }
    }
}

/// The node's own SQLite trail, as `audit verify` and `audit events` always read it.
package struct SQLiteTrailSource: AuditTrailSource {
    package let store: AuditStore

    package init(store: AuditStore) {
        self.store = store
    }

    package var eventListing: AuditListing { .events }

    package func forEachEvent(matching filter: AuditFilter, _ body: (AuditRecord) throws -> Void) throws(AuditError) {
        try store.forEachRecord(in: .events, matching: filter, body)
    }

    package func verifyChains(expectedHashes: Set<String>, progress: ((Int64, Int64) -> Void)?) throws(AuditError) -> TrailVerification {
        let verdict = try ChainVerifier(expectedHashes: expectedHashes, progress: progress).verify(store)
        return TrailVerification(chains: [.init(node: nil, verdict: verdict)])
    }
}
