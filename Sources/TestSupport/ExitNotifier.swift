import Foundation

/// Turns the reaper's exit callback into something tests can await with a timeout.
/// A waiter that times out is resumed with nil and forgotten; the exit itself is kept.
final class ExitNotifier: Sendable {
    private struct State {
        var termination: Termination?
        var waiters: [UInt64: CheckedContinuation<Termination?, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = LockedValue(State())

    var termination: Termination? { state.current.termination }

    func complete(_ termination: Termination) {
        let waiters = state.withLock { state -> [CheckedContinuation<Termination?, Never>] in
            state.termination = termination
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.resume(returning: termination)
        }
    }

    func wait(timeout: Duration) async -> Termination? {
        await withCheckedContinuation { continuation in
            let waiter = state.withLock { state -> UInt64? in
                if state.termination != nil { return nil }
                state.nextWaiter += 1
                state.waiters[state.nextWaiter] = continuation
                return state.nextWaiter
            }
            guard let waiter else {
                continuation.resume(returning: termination)
                return
            }
            let (seconds, attoseconds) = timeout.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                let expired = self.state.withLock { $0.waiters.removeValue(forKey: waiter) }
                expired?.resume(returning: nil)
            }
        }
    }

    func waitBlocking(timeout: Duration) -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination { return termination }
            usleep(5_000)
        }
        return termination
    }
}
