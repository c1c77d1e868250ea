/// How the gateway logs in to a target: with its upstream key, which each target lists in
/// `authorized_keys`, or with a short-lived certificate for that key signed by the gateway's
/// user CA, which a target trusts with one `TrustedUserCAKeys` line.
package enum UpstreamAuthentication: String, Hashable, Sendable, CaseIterable {
    case key
    case certificate
}

/// The top-level `certificates:` section: how the certificates the gateway signs for its
/// upstream logins look.
package struct CertificateSettings: Hashable, Sendable {
    /// How long after now a certificate stays valid (it is also valid from one minute before
    /// now, for targets whose clock is a little behind). It only has to outlive the login.
    package var validity: Duration = .seconds(5 * 60)
    /// `source-address` critical option: the gateway's own egress addresses (CIDR); empty
    /// leaves the option out.
    package var sourceAddresses: [String] = []

    package init(validity: Duration = .seconds(5 * 60), sourceAddresses: [String] = []) {
        self.validity = validity
        self.sourceAddresses = sourceAddresses
    }

    /// Beyond this a certificate is no longer short-lived.
    package static let maximumValidity: Duration = .seconds(24 * 3600)
}
