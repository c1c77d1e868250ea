import Foundation

/// Well-formed public key lines built in memory, for tests that need many distinct keys but
/// are not about key parsing: the blob is the SSH string of the type followed by 32 bytes.
enum SyntheticKey {
    static func blob(type: String = "ssh-ed25519", seed: UInt8) -> [UInt8] {
        sshString(Array(type.utf8)) + sshString([UInt8](repeating: seed, count: 32))
    }

    static func line(type: String = "ssh-ed25519", seed: UInt8, comment: String? = nil) -> String {
        let base64 = Data(blob(type: type, seed: seed)).base64EncodedString()
        return [type, base64, comment].compactMap { $0 }.joined(separator: " ")
    }

    static func sshString(_ bytes: [UInt8]) -> [UInt8] {
        let length = UInt32(bytes.count)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> UInt32($0)) } + bytes
    }
}
