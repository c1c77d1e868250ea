import Synchronization

/// Bytes relayed in one direction, over all connections. The relay adds once per chunk it
/// writes (not per byte, and with no lock), so counting costs one relaxed atomic add on
/// the hot path; a scrape reads the total.
package final class RelayByteCounter: Sendable {
    private let total = Atomic<Int>(0)

    package init() {}

    func add(_ bytes: Int) {
        total.add(bytes, ordering: .relaxed)
    }

    package var value: Int { total.load(ordering: .relaxed) }
}
