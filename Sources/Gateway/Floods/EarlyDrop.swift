import Policy

/// OpenSSH's MaxStartups `start:rate:full` curve: no refusal below `start` handshakes in
/// flight, then `rate` % rising linearly to 100 % at `full`.
package struct EarlyDrop: Sendable, Equatable {
    package let start: Int
    package let rate: Int
    package let full: Int

    package init(start: Int, rate: Int, full: Int) {
        self.start = start
        self.rate = min(max(rate, 0), 100)
        self.full = full
    }

    package init(limits: ConnectionLimits) {
        self.init(start: limits.earlyDropStart, rate: limits.earlyDropRate, full: limits.maxUnauthenticated)
    }

    /// The chance, in percent, that a new handshake is refused while `inFlight` are running.
    package func refusalPercent(inFlight: Int) -> Int {
        if inFlight >= full { return 100 }
        // A start at or above the cap leaves only the hard cap.
        if start >= full || inFlight < start { return 0 }
        return rate + (100 - rate) * (inFlight - start) / (full - start)
    }
}
