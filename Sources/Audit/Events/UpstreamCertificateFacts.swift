/// What the trail keeps of a certificate the gateway signed for an upstream login (never the
/// certificate itself, which is useless once expired, nor anything secret).
package struct UpstreamCertificateFacts: Sendable, Hashable {
    /// The serial the target's sshd logs; also on the connection's row.
    package var serial: Int64
    package var keyID: String
    /// `SHA256:…` of the CA that signed it (the one the target accepted, during a rotation).
    package var caFingerprint: String
    /// ISO 8601.
    package var validBefore: String

    package init(serial: Int64, keyID: String, caFingerprint: String, validBefore: String) {
        self.serial = serial
        self.keyID = keyID
        self.caFingerprint = caFingerprint
        self.validBefore = validBefore
    }
}
