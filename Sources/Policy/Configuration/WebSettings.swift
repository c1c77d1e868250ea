/// `web:`: the auditors' web page, off unless configured.
package struct WebSettings: Hashable, Sendable {
    package var listen: ListenAddress
    /// How long a web session lasts after its sign-in (`web.session`, default 8 h).
    package var session: Duration
    /// PEM files for HTTPS; both or neither. Without them the page speaks plain HTTP and is
    /// meant for loopback or for a TLS reverse proxy in front.
    package var tlsCertificate: String?
    package var tlsKey: String?
    /// The address people open, when a proxy stands in front (`https://audit.example.com`);
    /// the sign-in link starts with it. Default: built from `listen`.
    package var publicURL: String?
    /// How long a sign-in link printed by `web` may be opened (`web.link`, default 60 s).
    package var linkLifetime: Duration = WebSettings.defaultLinkLifetime

    package static let defaultSession: Duration = .seconds(8 * 3600)
    package static let defaultLinkLifetime: Duration = .seconds(60)

    package init(listen: ListenAddress, session: Duration = WebSettings.defaultSession,
                 tlsCertificate: String? = nil, tlsKey: String? = nil, publicURL: String? = nil) {
        self.listen = listen
        self.session = session
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.publicURL = publicURL
    }

    /// Where a browser reaches the page, without a trailing slash.
    package var baseURL: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let scheme = tlsCertificate == nil ? "http" : "https"
        return "\(scheme)://\(listen.description)"
    }
}
