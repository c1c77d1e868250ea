/// What one leg of a relayed connection negotiated (engineer-gateway or gateway-target), as
/// `upstream.connect` records it: the key exchange and the ciphers the gateway decrypts with
/// (`cipherIn`, from the peer) and encrypts with (`cipherOut`, towards it).
package struct NegotiatedLeg: Sendable, Equatable {
    package let keyExchange: String
    package let cipherIn: String
    package let cipherOut: String

    package init(keyExchange: String, cipherIn: String, cipherOut: String) {
        self.keyExchange = keyExchange
        self.cipherIn = cipherIn
        self.cipherOut = cipherOut
    }
}
