/// Algorithm lists in preference order. The upstream lists are separate because the gateway's
/// client side must still reach older targets that the engineer-facing side would refuse.
package struct AlgorithmPreferences: Hashable, Sendable {
    package var kex: [String]
    package var ciphers: [String]
    package var macs: [String]
    package var hostKeys: [String]
    package var publicKeys: [String]
    package var upstreamKex: [String]
    package var upstreamHostKeys: [String]

    package init(
        kex: [String] = Defaults.kex,
        ciphers: [String] = Defaults.ciphers,
        macs: [String] = Defaults.macs,
        hostKeys: [String] = Defaults.hostKeys,
        publicKeys: [String] = Defaults.publicKeys,
        upstreamKex: [String] = Defaults.upstreamKex,
        upstreamHostKeys: [String] = Defaults.upstreamHostKeys
    ) {
        self.kex = kex
        self.ciphers = ciphers
        self.macs = macs
        self.hostKeys = hostKeys
        self.publicKeys = publicKeys
        self.upstreamKex = upstreamKex
        self.upstreamHostKeys = upstreamHostKeys
    }
}
