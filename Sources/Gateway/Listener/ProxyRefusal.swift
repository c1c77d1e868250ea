import Policy

/// Why a connection was closed at accept for its PROXY protocol header. `code` is the audit
/// `reason` and the metrics label; `detail` says what exactly was seen.
struct ProxyRefusal: Sendable, Equatable {
    enum Code: String, Sendable {
        /// A header (or the start of one) from an address outside `proxy_protocol.from`, or
        /// from anyone while `proxy_protocol` is off.
        case untrustedHeader = "untrusted_proxy_header"
        /// A trusted proxy's connection started with something else, closed, or did not send
        /// the whole header in time.
        case missingHeader = "missing_proxy_header"
        /// A trusted proxy sent a header the gateway cannot use.
        case invalidHeader = "invalid_proxy_header"
    }

    let code: Code
    let detail: String
    /// The parser's code, when a header was read and refused.
    var headerError: ProxyHeaderError?
    /// The client a refused header named (never believed; kept for the investigation).
    var claimedSource: ProxiedEndpoint?

    /// The line the operator reads in the log.
    var message: String {
        switch code {
        case .untrustedHeader: "PROXY header from an untrusted address refused"
        case .missingHeader: "connection from a trusted proxy without a PROXY header refused"
        case .invalidHeader: "invalid PROXY header from a trusted proxy refused"
        }
    }
}
