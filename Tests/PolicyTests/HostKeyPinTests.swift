import Foundation
import Policy
import Testing

@Suite("HostKeyPin")
struct HostKeyPinTests {
    @Test func fingerprintPinMatchesOnlyItsKey() throws {
        let directory = try TemporaryDirectory()
        let line = try SSHKeygen.publicKeyLine(type: "ed25519", comment: "host", in: directory)
        let other = try AuthorizedKey(line: try SSHKeygen.publicKeyLine(type: "ed25519", comment: "other", in: directory))
        let fingerprint = try SSHKeygen.fingerprint(of: line, in: directory)

        let pin = try HostKeyPin(parsing: fingerprint)

        #expect(pin == .fingerprint(fingerprint))
        #expect(pin.matches(try AuthorizedKey(line: line)))
        #expect(!pin.matches(other))
    }

    @Test func fullKeyPinMatchesOnlyItsKey() throws {
        let pinned = try AuthorizedKey(line: SyntheticKey.line(seed: 1))
        let pin = try HostKeyPin(parsing: SyntheticKey.line(seed: 1, comment: "from ssh-keyscan"))

        #expect(pin == .key(pinned))
        #expect(pin.fingerprint == pinned.fingerprint)
        #expect(pin.matches(pinned))
        #expect(!pin.matches(try AuthorizedKey(line: SyntheticKey.line(seed: 2))))
    }

    @Test(arguments: [
        "SHA256:tooShort",
        "SHA256:" + String(repeating: "A", count: 44),
        "SHA256:" + String(repeating: "A", count: 42) + "B",  // non-canonical last character
        "SHA256:" + String(repeating: "A", count: 42) + "=",
        "SHA256:" + String(repeating: "*", count: 43),
    ])
    func rejectsMalformedFingerprints(text: String) {
        #expect(throws: HostKeyPinError.malformedFingerprint) { try HostKeyPin(parsing: text) }
    }

    @Test func rejectsTextThatIsNeitherFingerprintNorKey() {
        #expect(throws: HostKeyPinError.malformedKey(.unsupportedType("MD5:aa:bb"))) { try HostKeyPin(parsing: "MD5:aa:bb") }
    }
}
