/// Per-source penalties in the manner of OpenSSH's PerSourcePenalties: an address whose
/// connections fail authentication, or leave without authenticating, accumulates penalty time;
/// once the accumulated time reaches `minimum`, its new connections are closed at accept,
/// before any SSH work, until the penalty runs out. A source penalised again soon after gets
/// a longer penalty each time, up to `maximum`.
package struct PenaltySettings: Hashable, Sendable {
    package var enabled: Bool
    /// Added when a connection ends after at least one failed authentication attempt.
    package var authenticationFailure: Duration
    /// Added when a connection ends without trying to authenticate (a scan, a dropped handshake).
    package var noAuthentication: Duration
    /// Added when a connection is cut at the key-exchange or authentication deadline: it held
    /// a thread for the whole deadline, which is what a slow flood is made of.
    package var graceExceeded: Duration
    /// Accumulated time below this is not enforced, so one mistyped key never locks anyone out.
    package var minimum: Duration
    package var maximum: Duration
    /// Sources never penalised (monitoring probes, a NAT shared by many engineers).
    package var exempt: [CIDR]
    /// Bounds the book's memory under a flood from many addresses; when full, sources not
    /// yet penalised are forgotten first, and new ones are not recorded (fail open, like
    /// OpenSSH's default `overflow:permissive`, because refusing everyone is the flood's goal).
    package var maxSources: Int

    package init(
        enabled: Bool, authenticationFailure: Duration, noAuthentication: Duration, graceExceeded: Duration,
        minimum: Duration, maximum: Duration, exempt: [CIDR], maxSources: Int
    ) {
        self.enabled = enabled
        self.authenticationFailure = authenticationFailure
        self.noAuthentication = noAuthentication
        self.graceExceeded = graceExceeded
        self.minimum = minimum
        self.maximum = maximum
        self.exempt = exempt
        self.maxSources = maxSources
    }

    package func isExempt(_ address: IPAddress) -> Bool {
        exempt.contains { $0.contains(address) }
    }
}
