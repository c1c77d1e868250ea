import Policy
import Testing

@Suite("OversightCommandLine: live, watch, terminate, lock, unlock, locks")
struct OversightCommandLineTests {
    private func parse(_ line: String) -> Result<OversightCommandLine, OversightCommandLine.ParseError>? {
        OversightCommandLine.parse(line.split(separator: " ").map(String.init))
    }

    @Test func otherCommandsAreNotOversight() {
        #expect(parse("whoami") == nil)
        #expect(parse("targets") == nil)
    }

    @Test func commandsParseAsTyped() {
        #expect(parse("live") == .success(.live))
        #expect(parse("locks") == .success(.locks))
        #expect(parse("watch s-0123456789abcdef") == .success(.watch(session: "s-0123456789abcdef")))
        #expect(parse("terminate s-1 --reason \"not approved\"") == .success(.terminate(session: "s-1", reason: "not approved")))
        #expect(parse("lock user bob --for 2h --reason laptop stolen")
            == .success(.lock(.user, name: "bob", duration: .seconds(7200), reason: "laptop stolen")))
        #expect(parse("lock target db-01 --reason restore --for 1d")
            == .success(.lock(.target, name: "db-01", duration: .seconds(86400), reason: "restore")))
        #expect(parse("unlock l-00ff") == .success(.unlock(id: "l-00ff", kind: nil, name: nil)))
        #expect(parse("unlock target db-01") == .success(.unlock(id: nil, kind: .target, name: "db-01")))
    }

    @Test func mistakesGetOneLine() {
        #expect(parse("terminate s-1") == .failure(.init("a reason is required: --reason TEXT")))
        #expect(parse("terminate s-1 --reason \"\"") == .failure(.init("a reason is required: --reason TEXT")))
        #expect(parse("watch bob") == .failure(.init("usage: watch SESSION")))
        #expect(parse("lock group ops --reason x") == .failure(.init("usage: lock user|target NAME [--for DURATION] --reason TEXT")))
        #expect(parse("lock user bob --for forever --reason x") == .failure(.init("--for takes a duration such as 30m, 2h or 1d")))
        #expect(parse("lock user bob --for 400d --reason x") == .failure(.init("--for takes a duration such as 30m, 2h or 1d")))
        #expect(parse("terminate s-1 --force --reason x")
            == .failure(.init("unexpected \"--force\"; give --reason TEXT")))
    }

    /// Durations up to a year; absurd numbers are refused, never overflowed (a fuzz finding).
    @Test func durationsAreBoundedBeforeTheyAreMultiplied() {
        #expect(OversightCommandLine.duration("90s") == .seconds(90))
        #expect(OversightCommandLine.duration("2h") == .seconds(7200))
        #expect(OversightCommandLine.duration("366d") == .seconds(366 * 86400))
        #expect(OversightCommandLine.duration("367d") == nil)
        #expect(OversightCommandLine.duration("9223372036854775807h") == nil)
        #expect(OversightCommandLine.duration("99999999999999999m") == nil)
        #expect(OversightCommandLine.duration("0s") == nil)
        #expect(OversightCommandLine.duration("h") == nil)
    }

    @Test func reasonsLoseControlCharactersAndAreBounded() {
        #expect(OversightCommandLine.reason("'quoted'") == "quoted")
        #expect(OversightCommandLine.reason("a\u{1b}[2Jb") == "a[2Jb")
        #expect(OversightCommandLine.reason(String(repeating: "r", count: 500)).count == 200)
    }
}
