import Synchronization

/// Whether the SSH acceptor is taking connections: set while `run` loops, cleared when a
/// shutdown begins, so that `/readyz` fails while the gateway drains.
final class AcceptingFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set(_ accepting: Bool) { value.store(accepting, ordering: .relaxed) }
}
