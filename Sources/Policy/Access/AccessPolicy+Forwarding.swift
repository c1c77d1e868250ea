/// `ssh -L` through a recorded session: the destination must be one its grant lists.
extension AccessPolicy {
    /// Whether `grant`, a `record` grant, lists the destination. A target name stands for the
    /// target's address on either side, so `db-01:5432` in the grant allows `-L …:db-01:5432`
    /// and `-L …:10.0.2.5:5432` alike when db-01's address is 10.0.2.5.
    package func authorizeForwarding(grant: Grant, destinationHost: String, destinationPort: Int) -> Bool {
        forwardingDestination(grant: grant, destinationHost: destinationHost, destinationPort: destinationPort) != nil
    }

    /// The address to open for an allowed forward, with a target name replaced by the
    /// target's host; nil when the grant does not allow it.
    package func forwardingDestination(grant: Grant, destinationHost: String, destinationPort: Int) -> HostAndPort? {
        guard grant.mode == .record else { return nil }
        let wanted = resolvedHost(destinationHost)
        let allowed = grant.forwarding.contains { entry in
            entry.port == destinationPort && Self.sameHost(resolvedHost(entry.host), wanted)
        }
        return allowed ? HostAndPort(host: wanted, port: destinationPort) : nil
    }

    /// The denial to show for a forward the grant does not list.
    package func forwardingDenial(destinationHost: String, destinationPort: Int) -> DenialReason {
        .forwardingNotGranted(DenialReason.renderDestination(host: destinationHost, port: destinationPort))
    }

    /// A target name becomes the target's host, and an address its canonical spelling.
    private func resolvedHost(_ host: String) -> String {
        let resolved = targetsByName[host]?.host ?? host
        return IPAddress(parsing: resolved)?.description ?? resolved
    }
}
