import Crypto
import Foundation

/// SHA-256 of the configuration file's bytes, recorded with every load and reload so
/// that auditors can tell exactly which policy was in force at any time.
enum ConfigurationDigest {
    static func sha256(ofFileAt path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
