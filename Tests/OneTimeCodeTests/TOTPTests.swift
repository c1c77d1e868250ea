import Foundation
import OneTimeCode
import TestSupport
import Testing

@Suite struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 column: the ASCII secret "12345678901234567890", 8 digits.
    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ] as [(Int64, String)])
    func matchesRFC6238TestVectors(time: Int64, expected: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.code(forStep: time / TOTP.stepSeconds, digits: 8) == expected)
    }

    @Test func sixDigitCodeIsTheLastSixOfTheRFCVector() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.code(forStep: 59 / 30) == "287082")
    }

    @Test func agreesWithOathtool() async throws {
        let secret = TOTP.makeSecret()
        let base32 = Base32.encode(secret)
        let totp = TOTP(secret: secret)
        for time in [0, 59, 1_111_111_109, 1_700_000_000, 2_000_000_000] {
            let date = Date(timeIntervalSince1970: TimeInterval(time))
            let stamp = ISO8601DateFormatter().string(from: date)
            let result = try await ProcessRunner().run(
                "oathtool", ["--totp", "-b", "--now", stamp, base32], timeout: .seconds(20))
            #expect(result.succeeded, "\(result.stderr)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == totp.code(forStep: TOTP.step(at: date)))
        }
    }

    @Test func acceptsOneStepEitherSideAndNoFurther() {
        let totp = TOTP(secret: TOTP.makeSecret())
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(of: totp.code(forStep: step), at: now) == step)
        #expect(totp.matchingStep(of: totp.code(forStep: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(of: totp.code(forStep: step + 1), at: now) == step + 1)
        let far = [totp.code(forStep: step - 2), totp.code(forStep: step + 2)]
        for code in far where ![step - 1, step, step + 1].contains(where: { totp.code(forStep: $0) == code }) {
            #expect(totp.matchingStep(of: code, at: now) == nil)
        }
    }

    @Test(arguments: ["", "12345", "1234567", "abcdef", "12 34 5x", "１２３４５６"])
    func refusesMalformedCodes(code: String) {
        let totp = TOTP(secret: TOTP.makeSecret())
        #expect(totp.matchingStep(of: code, at: Date()) == nil)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect(Base32.decode("mzxw6ytboi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        let secret = TOTP.makeSecret()
        #expect(Base32.decode(Base32.encode(secret)) == secret)
    }

    @Test func uriCarriesIssuerAccountAndParameters() throws {
        let secret = Array("12345678901234567890".utf8)
        let uri = OTPAuthURI.make(issuer: "Tracegate", account: "bob", secret: secret)
        #expect(uri == "otpauth://totp/Tracegate%3Abob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Tracegate&algorithm=SHA1&digits=6&period=30")
    }

    /// The modules libqrencode gives us are the ones Debian's `qrencode` CLI draws for the
    /// same text and settings (level M, 8-bit mode, no margin).
    @Test func qrModulesMatchQrencodeCommand() async throws {
        let text = "otpauth://totp/Tracegate%3Abob?secret=GEZDGNBVGY3TQOJQ&issuer=Tracegate"
        let modules = try #require(TerminalQRCode.modules(text))
        let result = try await ProcessRunner().run("qrencode", ["-t", "ASCII", "-l", "M", "-8", "-m", "0", text])
        let rows = result.stdout.split(separator: "\n").map { line in
            stride(from: 0, to: line.count, by: 2).map { line[line.index(line.startIndex, offsetBy: $0)] == "#" }
        }
        #expect(rows == modules)
        let drawn = try #require(TerminalQRCode.render(text))
        #expect(drawn.split(separator: "\n").count == (modules.count + 8 + 1) / 2)
    }
}
