import Recording
import Testing

@Suite("TerminalTextExtractor")
struct TerminalTextExtractorTests {
    private func lines(_ chunks: String...) -> [String] {
        var extractor = TerminalTextExtractor()
        for chunk in chunks { extractor.feed(chunk) }
        return extractor.lines
    }

    @Test func coloursAndAttributesAreRemoved() {
        #expect(lines("\u{1B}[1;31merror:\u{1B}[0m disk \u{1B}[38;5;208mfull\u{1B}[m\r\n")
            == ["error: disk full"])
    }

    @Test func aProgressBarRedrawnWithCarriageReturnLeavesItsLastState() {
        #expect(lines("copying  10% [#         ]\r", "copying  50% [#####     ]\r",
                      "copying 100% [##########]\r\n", "done\r\n")
            == ["copying 100% [##########]", "done"])
    }

    @Test func horizontalCursorMovementOverwritesInPlace() {
        #expect(lines("abcdef\u{1B}[3Dxyz\r\n") == ["abcxyz"])
        #expect(lines("abc\u{1B}[5Cz\r\n") == ["abc     z"])
        #expect(lines("hello world\u{1B}[1G\u{1B}[KHELLO\r\n") == ["HELLO"])
        #expect(lines("12345\u{1B}[3G\u{1B}[1K!\r\n") == ["  !45"])
    }

    @Test func readlineEditingReadsAsTheFinalLine() {
        // Backspace with erase-to-end, a deletion in the middle, an insertion in the middle.
        #expect(lines("$ lsx\u{8}\u{1B}[K -la\r\n") == ["$ ls -la"])
        #expect(lines("$ cat fiile\u{8}\u{8}\u{8}\u{1B}[P\r\n") == ["$ cat file"])
        #expect(lines("$ ech hi\u{1B}[3D\u{1B}[1@o\r\n") == ["$ echo hi"])
        #expect(lines("$ ab\u{8} \u{8}c\r\n") == ["$ ac"])
    }

    @Test func titlesHyperlinksAndCharsetSelectionsAreDropped() {
        #expect(lines("\u{1B}]0;alice@web-01: ~\u{7}\u{1B}(B$ \u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\\r\n")
            == ["$ link"])
        #expect(lines("\u{1B}(0lqqk\u{1B}(B\r\n") == ["lqqk"])
    }

    @Test func privateModesAndBellsAreIgnored() {
        #expect(lines("\u{1B}[?2004h\u{1B}[?25l$ \u{7}ok\u{1B}[?25h\r\n") == ["$ ok"])
    }

    @Test func escapeSequencesSplitAcrossChunksAreStillRemoved() {
        #expect(lines("\u{1B}", "[3", "1mred", "\u{1B}]0;ti", "tle\u{7} text\r", "\n") == ["red text"])
    }

    @Test func verticalMovesAndClearsStartNewLines() {
        #expect(lines("top\u{1B}[2;1Hsecond\u{1B}[Bthird\u{1B}[H\u{1B}[2Jcleared\r\n")
            == ["top", "second", "      third", "cleared"])
    }

    @Test func blankLinesFromNewlinesAreKept() {
        #expect(lines("a\r\n\r\nb\n") == ["a", "", "b"])
    }

    @Test func tabsAdvanceToTheNextStop() {
        #expect(lines("a\tb\r\n") == ["a       b"])
    }

    @Test func wideCharactersTakeTwoColumns() {
        // Overwriting half of a wide character blanks the other half, as terminals do.
        #expect(lines("中文x\u{8}\u{8}\u{8}y\r\n") == ["中y x"])
        #expect(lines("中文\u{8}z\r\n") == ["中 z"])
        #expect(lines("e\u{301}t\u{E9}\r\n") == ["e\u{301}t\u{E9}"])
    }

    @Test func theCurrentLineCountsOnceItHasText() {
        var extractor = TerminalTextExtractor()
        extractor.feed("first\r\n$ ")
        #expect(extractor.lines == ["first", "$"])
        #expect(extractor.takeCompletedLines() == ["first"])
        #expect(extractor.takeCompletedLines().isEmpty)
        extractor.finish()
        #expect(extractor.takeCompletedLines() == ["$"])
    }

    @Test func notesStandOnTheirOwnLine() {
        var extractor = TerminalTextExtractor()
        extractor.feed("Password: ")
        extractor.insertNote("[input hidden (terminal echo off)]")
        extractor.feed("\r\nok\r\n")
        #expect(extractor.lines == ["Password:", "[input hidden (terminal echo off)]", "ok"])
    }

    @Test func aMalformedSequenceDoesNotSwallowTheTextAfterIt() {
        #expect(lines("\u{1B}é ok\r\n") == ["é ok"])
        #expect(lines("\u{1B}[1中文 ok\r\n") == ["中文 ok"])
    }

    @Test func hostileSequencesCannotGrowALineWithoutBound() {
        #expect(lines("\u{1B}[65535Cx\u{1B}[99999@\r\n") == [""])
        let long = lines(String(repeating: "y", count: 10_000) + "\r\n")
        #expect(long.first?.count == 4096)
    }
}
