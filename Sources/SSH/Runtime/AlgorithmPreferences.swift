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
}
