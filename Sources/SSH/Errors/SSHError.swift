/// Everything that can go wrong at the libssh boundary, as values a caller can act on.
/// The text of libssh's own error (from `ssh_get_error`) is kept for logs; it never
/// contains key material.
package enum SSHError: Error, Sendable, Equatable, CustomStringConvertible {
    case keyExchangeFailed(String)
    /// The peer offers none of the key exchanges allowed here (`algorithms.kex`).
    case noCommonKeyExchange(allowed: [String], offered: [String])
    /// None of the configured key exchanges exists in the linked libssh.
    case unsupportedKeyExchange([String])
    case connectFailed(String)
    case hostKeyUnavailable(String)
    case authenticationFailed(String)
    case channelFailed(String)
    case requestDenied(String)
    case keyFile(path: String, problem: String)
    case invalidKey(String)
    case listenFailed(String)
    case io(String)

    package var description: String {
        switch self {
        case .keyExchangeFailed(let detail): "key exchange failed: \(detail)"
        case .noCommonKeyExchange(let allowed, let offered):
            "key exchange refused: the peer offers none of the allowed key exchanges "
                + "(allowed: \(allowed.joined(separator: ",")); offered: \(offered.joined(separator: ",")))"
        case .unsupportedKeyExchange(let names):
            "libssh \(LibSSHCapabilities.version) implements none of the key exchanges \(names.joined(separator: ","))"
                + (names.contains(where: LibSSHCapabilities.isPostQuantum) && !LibSSHCapabilities.hasPostQuantumKeyExchange
                    ? " (post-quantum key exchange needs the libssh 0.12 of scripts/build-libssh.sh)" : "")
        case .connectFailed(let detail): detail
        case .hostKeyUnavailable(let detail): "no host key received: \(detail)"
        case .authenticationFailed(let detail): "authentication failed: \(detail)"
        case .channelFailed(let detail): "channel failed: \(detail)"
        case .requestDenied(let request): "\(request) request denied"
        case .keyFile(let path, let problem): "\(path): \(problem)"
        case .invalidKey(let detail): "invalid key: \(detail)"
        case .listenFailed(let detail): "cannot listen: \(detail)"
        case .io(let detail): detail
        }
    }
}
