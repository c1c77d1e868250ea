import Policy
import Testing

/// The refusal for a malformed user name is sent to the client and logged: whatever the
/// client sent, it stays printable and bounded. (The libFuzzer harness in fuzz/ checks the
/// same on random input; this is its first finding, kept as a fixed case.)
@Suite("Username refusal messages")
struct UsernameMessageBoundTests {
    @Test(arguments: [
        "\u{FFFD}Y" + String(repeating: "\u{FFFD}", count: 27) + "@",
        String(repeating: "\u{10FFFF}", count: 30) + "@web-01",
        String(repeating: "\u{1B}[31m", count: 20),
        "root\r\n\u{9B}31m@web\u{0}-01",
    ])
    func messageStaysPrintableAndBounded(_ username: String) {
        do {
            let request = try TargetRequest.parse(username: username)
            Issue.record("\(username.debugDescription) was accepted as \(request)")
        } catch {
            let message = error.description
            #expect(!message.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(message.debugDescription)")
            #expect(message.unicodeScalars.allSatisfy { $0.isASCII }, "\(message.debugDescription)")
            #expect(message.utf8.count <= 2048, "\(message.utf8.count) bytes")
        }
    }
}
