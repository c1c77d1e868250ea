/// `proxy_protocol: {from: [CIDR, …], timeout: 3s}`: which load balancers may tell the gateway
/// who the client is, with a PROXY protocol v2 header in front of the SSH bytes.
///
/// The header is a claim, and only a proxy the operator runs can be trusted to make it
/// (sshpiper believed it from anyone: GHSA-4w53-6jvp-gg52). So:
/// - a connection from inside `from` must start with a valid v2 header; the header's source is
///   the client from then on (audit, grants' `source:`, penalties, per-source limits);
/// - a connection from outside `from` that carries a header is refused;
/// - a connection from outside `from` without a header is served as itself (operators may still
///   reach a node directly).
/// Absent, no address is trusted and every header is refused.
package struct ProxyProtocolSettings: Hashable, Sendable {
    /// The proxies' addresses or networks.
    package var trustedProxies: [CIDR]
    /// How long a trusted proxy has to deliver the whole header after connecting, so that a
    /// silent connection cannot hold a place in the acceptor's queue.
    package var headerTimeout: Duration

    package init(trustedProxies: [CIDR], headerTimeout: Duration = Defaults.proxyHeaderTimeout) {
        self.trustedProxies = trustedProxies
        self.headerTimeout = headerTimeout
    }

    /// Whether a connection from `address` (the socket's peer) comes from a trusted proxy.
    package func trusts(_ address: String) -> Bool {
        guard let parsed = IPAddress(parsing: address) else { return false }
        return trustedProxies.contains { $0.contains(parsed) }
    }
}
