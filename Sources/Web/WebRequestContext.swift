import Hummingbird

/// Hummingbird's per-request context, with the client's address for the trail.
struct WebRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address; behind a reverse proxy, the proxy's.
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
