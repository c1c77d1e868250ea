/// Algorithm lists handed to libssh for one side of the gateway. Each list is
/// comma-joined into the option libssh expects; an empty list keeps libssh's default.
package struct SSHAlgorithms: Sendable, Equatable {
    package var keyExchange: [String]
    package var ciphers: [String]
    package var macs: [String]
    package var hostKeys: [String]
    package var publicKeys: [String]

    package init(keyExchange: [String], ciphers: [String], macs: [String], hostKeys: [String], publicKeys: [String]) {
        self.keyExchange = keyExchange
        self.ciphers = ciphers
        self.macs = macs
        self.hostKeys = hostKeys
        self.publicKeys = publicKeys
    }

    /// The lists as this libssh can serve them: key exchanges it does not implement (the
    /// post-quantum ones on libssh 0.10) are left out, so that one default list serves both
    /// builds. A key exchange list left empty by that is an error, never libssh's default:
    /// an operator who requires post-quantum key exchange must not silently get curve25519.
    package func forLinkedLibrary() throws(SSHError) -> SSHAlgorithms {
        guard !keyExchange.isEmpty else { return self }
        var result = self
        result.keyExchange = keyExchange.filter(LibSSHCapabilities.supportsKeyExchange)
        guard !result.keyExchange.isEmpty else {
            throw .unsupportedKeyExchange(keyExchange)
        }
        return result
    }
}

/// What one leg of a connection negotiated, as libssh names it.
package struct NegotiatedAlgorithms: Sendable, Equatable, CustomStringConvertible {
    package let keyExchange: String
    /// What the gateway decrypts (from the peer) and encrypts (towards it).
    package let cipherIn: String
    package let cipherOut: String

    package init(keyExchange: String, cipherIn: String, cipherOut: String) {
        self.keyExchange = keyExchange
        self.cipherIn = cipherIn
        self.cipherOut = cipherOut
    }

    package var isPostQuantum: Bool { LibSSHCapabilities.isPostQuantum(keyExchange) }

    package var description: String {
        cipherIn == cipherOut ? "\(keyExchange) \(cipherIn)" : "\(keyExchange) \(cipherIn)/\(cipherOut)"
    }
}
