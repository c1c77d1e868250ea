internal import CLibSSH

extension NegotiatedAlgorithms {
    /// Reads what a session negotiated; "?" for what libssh does not know (no key exchange yet).
    init(session: OpaquePointer) {
        func name(_ pointer: UnsafePointer<CChar>?) -> String {
            let text = LibSSH.string(pointer)
            return text.isEmpty ? "?" : text
        }
        self.init(keyExchange: name(ssh_get_kex_algo(session)),
                  cipherIn: name(ssh_get_cipher_in(session)),
                  cipherOut: name(ssh_get_cipher_out(session)))
    }
}

/// libssh's "no match for method kex algos" failure, taken apart so that the log says in
/// one line which key exchanges were allowed and which the peer offered.
struct KeyExchangeMismatch {
    let allowed: [String]
    let offered: [String]

    /// libssh (0.10 and 0.12): "kex error : no match for method kex algos: server [A,B], client [C,D]".
    /// `gatewayIsServer` says which of the two lists is the gateway's own.
    init?(message: String, gatewayIsServer: Bool) {
        guard message.contains("no match for method kex algos") else { return nil }
        func list(after label: String) -> [String] {
            guard let start = message.range(of: label + " [") else { return [] }
            let rest = message[start.upperBound...]
            let body = rest.prefix { $0 != "]" }
            // The strict-kex and ext-info markers ride in the list but are not key exchanges.
            return body.split(separator: ",").map(String.init)
                .filter { !$0.hasPrefix("ext-info-") && !$0.hasPrefix("kex-strict-") }
        }
        allowed = list(after: gatewayIsServer ? "server" : "client")
        offered = list(after: gatewayIsServer ? "client" : "server")
    }

    var error: SSHError { .noCommonKeyExchange(allowed: allowed, offered: offered) }
}
