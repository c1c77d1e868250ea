import Foundation

/// The `otpauth://totp/…` URI authenticator apps scan (Google's "Key Uri Format"): issuer,
/// account, base32 secret and the parameters this gateway checks with.
package enum OTPAuthURI {
    package static func make(issuer: String, account: String, secret: [UInt8]) -> String {
        let label = percentEncoded("\(issuer):\(account)")
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(percentEncoded(issuer))"
            + "&algorithm=SHA1&digits=\(TOTP.digits)&period=\(TOTP.stepSeconds)"
    }

    private static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
