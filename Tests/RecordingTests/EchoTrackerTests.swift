import Recording
import Testing

/// The echo tracker decides what typed input may be recorded. The cases mirror what a
/// shell and a password prompt actually send back.
@Suite("EchoTracker")
struct EchoTrackerTests {
    /// Drives a tracker like the recorder does and collects what would be recorded.
    struct Terminal {
        var tracker = EchoTracker()
        var recorded: [String] = []
        var markers = 0
        var time = 0.0

        mutating func type(_ text: String) {
            time += 0.1
            collect(tracker.typed(Array(text.utf8), at: time))
        }

        mutating func show(_ text: String) {
            let bytes = Array(text.utf8)
            collect(bytes.withUnsafeBytes { tracker.displayed($0) })
        }

        /// Key by key with each key echoed, as readline does.
        mutating func typeEchoed(_ text: String) {
            for character in text {
                type(String(character))
                show(character == "\r" ? "\r\n" : String(character))
            }
        }

        mutating func finish() {
            collect(tracker.finish())
        }

        var input: String { recorded.joined() }

        private mutating func collect(_ actions: [EchoTracker.Action]) {
            for action in actions {
                switch action {
                case .record(let bytes, _): recorded.append(String(decoding: bytes, as: UTF8.self))
                case .discard(let starts): if starts { markers += 1 }
                }
            }
        }
    }

    @Test func aCommandTypedKeyByKeyIsRecordedAsItIsEchoed() {
        var terminal = Terminal()
        terminal.typeEchoed("ls -la\r")
        #expect(terminal.input == "ls -la\r")
        #expect(terminal.markers == 0)
    }

    @Test func aLinePastedAtOnceIsRecordedWhenItsEchoAndOutputArrive() {
        var terminal = Terminal()
        terminal.type("uname -a\r")
        terminal.show("uname -a\r\nLinux web-01 6.1.0\r\n$ ")
        #expect(terminal.input == "uname -a\r")
    }

    @Test func anEchoSplitAcrossOutputChunksIsRecordedOnceComplete() {
        var terminal = Terminal()
        terminal.type("hello")
        terminal.show("hel")
        #expect(terminal.recorded.isEmpty)
        terminal.show("lo")
        #expect(terminal.input == "hello")
    }

    @Test func aPasswordTypedWithEchoOffIsNeverRecorded() {
        var terminal = Terminal()
        terminal.typeEchoed("sudo -k id\r")
        terminal.show("[sudo] password for alice: ")
        for character in "hunter2" { terminal.type(String(character)) }
        terminal.type("\r")
        terminal.show("\r\n")
        terminal.show("uid=0(root) gid=0(root)\r\n$ ")
        #expect(terminal.input == "sudo -k id\r")
        #expect(!terminal.input.contains("hunter"))
        #expect(terminal.markers == 1)
    }

    @Test func aPasswordWhoseFirstLetterStartsTheNextOutputIsNotRecorded() {
        var terminal = Terminal()
        terminal.show("Password: ")
        terminal.type("S3cret\r")
        terminal.show("Sorry, try again.\r\nPassword: ")
        #expect(terminal.recorded.isEmpty)
        #expect(terminal.markers == 1)
    }

    @Test func aSingleHiddenKeyMatchingTheStartOfUnrelatedOutputIsNotRecorded() {
        var terminal = Terminal()
        terminal.show("Password: ")
        terminal.type("S")
        terminal.show("Session will expire soon\r\n")
        #expect(terminal.recorded.isEmpty)
        #expect(terminal.markers == 1)
    }

    @Test func oneMarkerPerHiddenStretchAndANewOneAfterEchoReturns() {
        var terminal = Terminal()
        terminal.show("Password: ")
        terminal.type("first\r")
        terminal.show("\r\nPassword: ")
        terminal.type("second\r")
        terminal.show("\r\n$ ")
        #expect(terminal.markers == 1)
        terminal.typeEchoed("whoami\r")
        terminal.show("root\r\n$ ")
        terminal.show("Passphrase: ")
        terminal.type("third\r")
        terminal.show("\r\n")
        #expect(terminal.markers == 2)
        #expect(terminal.input == "whoami\r")
    }

    @Test(arguments: ["\u{8} \u{8}", "\u{8}\u{1B}[K", "\u{8}\u{1B}[1P"])
    func backspaceIsRecordedWithAnyOfItsEchoes(echo: String) {
        var terminal = Terminal()
        terminal.typeEchoed("lx")
        terminal.type("\u{7F}")
        terminal.show(echo)
        terminal.typeEchoed("s\r")
        #expect(terminal.input == "lx\u{7F}s\r")
        #expect(terminal.markers == 0)
    }

    @Test func backspaceThenSpaceTypedQuicklyIsStillMatched() {
        var terminal = Terminal()
        terminal.typeEchoed("ab")
        terminal.type("\u{7F} c")
        terminal.show("\u{8}\u{1B}[K c")
        #expect(terminal.input == "ab\u{7F} c")
    }

    @Test(arguments: ["^C\r\n$ ", "\r\n$ "])
    func controlCIsRecordedWhetherOrNotTheTerminalShowsIt(echo: String) {
        var terminal = Terminal()
        terminal.typeEchoed("sleep 100")
        terminal.type("\u{3}")
        terminal.show(echo)
        #expect(terminal.input == "sleep 100\u{3}")
        #expect(terminal.markers == 0)
    }

    @Test func enterAloneIsRecordedWhenEchoedAsANewline() {
        var terminal = Terminal()
        terminal.type("\r")
        terminal.show("\r\n$ ")
        #expect(terminal.input == "\r")
    }

    @Test func escapeSequencesInTheEchoAreSkipped() {
        var terminal = Terminal()
        terminal.type("a")
        terminal.show("\u{1B}[32ma\u{1B}[0m")
        terminal.type("b")
        terminal.show("\u{1B}]0;title\u{7}b")
        #expect(terminal.input == "ab")
    }

    @Test func keysWithUnpredictableEchoAreRecordedWithTheOutputTheyCause() {
        var terminal = Terminal()
        terminal.type("\u{1B}[A")
        terminal.show("\r\u{1B}[K$ ls -la")
        terminal.type("\t")
        terminal.show("ile.txt ")
        #expect(terminal.input == "\u{1B}[A\t")
    }

    @Test func anAutosuggestionAfterTheEchoDoesNotHideTheKey() {
        var terminal = Terminal()
        terminal.type("l")
        terminal.show("l\u{1B}[90ms -la\u{1B}[39m\u{1B}[5D")
        #expect(terminal.input == "l")
        #expect(terminal.markers == 0)
    }

    @Test func multibyteInputIsRecordedWhenEchoed() {
        var terminal = Terminal()
        terminal.typeEchoed("écho 中\r")
        #expect(terminal.input == "écho 中\r")
    }

    @Test func inputNeverEchoedBeforeTheSessionEndsIsDiscardedWithAMarker() {
        var terminal = Terminal()
        terminal.show("Password: ")
        terminal.type("hunter2")
        terminal.finish()
        #expect(terminal.recorded.isEmpty)
        #expect(terminal.markers == 1)
    }

    @Test func onlyControlKeysLostDoNotClaimHiddenInput() {
        var terminal = Terminal()
        terminal.type("\r")
        terminal.show("Sorry\r\n")
        #expect(terminal.markers == 0)
        #expect(terminal.recorded.isEmpty)
    }

    @Test func tooMuchUnconfirmedInputIsDiscarded() {
        var tracker = EchoTracker(maximumHeldBytes: 16)
        #expect(tracker.typed(Array("0123456789".utf8), at: 0).isEmpty)
        #expect(tracker.typed(Array("0123456789".utf8), at: 1) == [.discard(startsHiddenStretch: true)])
        #expect(tracker.heldByteCount == 0)
    }

    @Test func recordedInputKeepsTheTimeItWasTyped() {
        var tracker = EchoTracker()
        _ = tracker.typed(Array("l".utf8), at: 1.0)
        _ = tracker.typed(Array("s".utf8), at: 1.2)
        let actions = Array("ls".utf8).withUnsafeBytes { tracker.displayed($0) }
        #expect(actions == [.record(bytes: Array("ls".utf8), time: 1.0)])
    }

    @Test func typeaheadReleasedAtANewlineKeepsTheRestsTime() {
        var tracker = EchoTracker()
        _ = tracker.typed(Array("ls\r".utf8), at: 1.0)
        _ = tracker.typed(Array("pw".utf8), at: 2.0)
        var actions = Array("ls\r\n".utf8).withUnsafeBytes { tracker.displayed($0) }
        #expect(actions == [.record(bytes: Array("ls\r".utf8), time: 1.0)])
        actions = Array("pw".utf8).withUnsafeBytes { tracker.displayed($0) }
        #expect(actions == [.record(bytes: Array("pw".utf8), time: 2.0)])
    }
}
