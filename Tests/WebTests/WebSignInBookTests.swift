import Foundation
import Testing
@testable import Web

struct WebSignInBookTests {
    @Test func aLinkWorksOnceAndOpensASessionForItsUser() throws {
        let book = WebSignInBook()
        let (token, _) = book.issueLink(for: "alice", lifetime: .seconds(60))
        #expect(token.count == 43)
        let signin = try book.redeem(token, sessionLifetime: .seconds(60)).get()
        #expect(signin.user == "alice" && signin.cookie != token)
        #expect(book.session(cookie: signin.cookie)?.user == "alice")
        #expect(throws: WebSignInBook.Refusal.unknownLink) { try book.redeem(token, sessionLifetime: .seconds(60)).get() }
    }

    @Test func anExpiredLinkIsRefusedAndConsumed() async throws {
        let book = WebSignInBook()
        let (token, _) = book.issueLink(for: "alice", lifetime: .milliseconds(50))
        try await Task.sleep(for: .milliseconds(150))
        #expect(throws: WebSignInBook.Refusal.expiredLink) { try book.redeem(token, sessionLifetime: .seconds(60)).get() }
        #expect(throws: WebSignInBook.Refusal.unknownLink) { try book.redeem(token, sessionLifetime: .seconds(60)).get() }
    }

    @Test func sessionsExpireAndLogoutAllEndsOnlyThatUsers() async throws {
        let book = WebSignInBook()
        let short = try book.redeem(book.issueLink(for: "alice", lifetime: .seconds(60)).token,
                                    sessionLifetime: .milliseconds(50)).get()
        let alice = try book.redeem(book.issueLink(for: "alice", lifetime: .seconds(60)).token, sessionLifetime: .seconds(60)).get()
        let bob = try book.redeem(book.issueLink(for: "bob", lifetime: .seconds(60)).token, sessionLifetime: .seconds(60)).get()
        try await Task.sleep(for: .milliseconds(150))
        #expect(book.session(cookie: short.cookie) == nil)
        #expect(book.endAll(for: "alice") == 1)
        #expect(book.session(cookie: alice.cookie) == nil)
        #expect(book.session(cookie: bob.cookie)?.user == "bob")
    }

    @Test(arguments: ["", "short", String(repeating: "a", count: 44), String(repeating: "é", count: 43),
                      String(repeating: "a", count: 42) + ";"])
    func aMalformedCookieOrTokenIsNobody(value: String) {
        let book = WebSignInBook()
        #expect(book.session(cookie: value) == nil)
        #expect(throws: WebSignInBook.Refusal.unknownLink) { try book.redeem(value, sessionLifetime: .seconds(1)).get() }
    }

    @Test func onlyDigestsAreKept() {
        let token = WebSignInBook.randomToken()
        #expect(WebSignInBook.digest(token).count == 64 && !WebSignInBook.digest(token).contains(token))
        #expect(WebSignInBook.tag(WebSignInBook.digest(token)).count == 12)
    }

    @Test(arguments: [
        ("bytes=0-99", Int64(1000), Optional<Range<Int64>>.some(0..<100)),
        ("bytes=900-", 1000, 900..<1000),
        ("bytes=1000-", 1000, 1000..<1000),
        ("bytes=1001-", 1000, nil),
        ("bytes=9-1", 1000, nil),
        ("bytes=-5", 1000, nil),
        ("items=0-1", 1000, nil),
        ("bytes=0-99999999999", 100_000_000, 0..<(4 * 1024 * 1024)),
    ])
    func rangesAreBoundedAndWithinTheFile(header: String, size: Int64, expected: Range<Int64>?) {
        #expect(WebRoutes.byteRange(header, size: size) == expected)
    }

    @Test func htmlEscapingCoversMarkupAndControlCharacters() {
        #expect(HTML.escape("<script>\"'&\u{1b}[31m") == "&lt;script&gt;&quot;&#39;&amp;\\u{1b}[31m")
        #expect(HTML.urlComponent("a b/ü") == "a%20b%2F%C3%BC")
    }
}
