import Foundation
import Gateway
import Logging
import Testing

/// One event, one line: the fields every line starts with, every metadata key, and values
/// escaped so that nothing a client sends can split a line or forge a field.
@Suite struct LogLineFormatterTests {
    // 2026-11-29T10:04:05.123Z
    let time = Date(timeIntervalSince1970: 1_795_946_645.123)

    @Test func logfmtLineStartsWithTimeLevelMessageThenSortedMetadata() {
        let line = LogLineFormatter(format: .logfmt).line(
            timestamp: time, level: .info, message: "connection opened",
            metadata: ["tg.connection": "c-0123456789ab", "tg.client": "127.0.0.1:5555"])
        #expect(line == #"ts=2026-11-29T10:04:05.123Z level=info msg="connection opened" tg.client=127.0.0.1:5555 tg.connection=c-0123456789ab"#)
    }

    @Test func logfmtQuotesAndEscapesValuesThatWouldBreakTheLine() {
        let line = LogLineFormatter(format: .logfmt).line(
            timestamp: time, level: .warning, message: "x",
            metadata: [
                "tg.empty": "",
                "tg.equals": "a=b",
                "tg.quote": #"say "hi" \ bye"#,
                "tg.newline": "one\ntwo\r\tthree",
                "tg.control": "bell\u{07}esc\u{1B}",
                "tg.unicode": "café",
                "odd key!": "v",
            ])
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{1B}"))
        #expect(line.contains(#"tg.empty="""#))
        #expect(line.contains(#"tg.equals="a=b""#))
        #expect(line.contains(#"tg.quote="say \"hi\" \\ bye""#))
        #expect(line.contains(#"tg.newline="one\ntwo\r\tthree""#))
        #expect(line.contains(#"tg.control="bell\u0007esc\u001b""#))
        #expect(line.contains("tg.unicode=café"))
        #expect(line.contains("odd_key_=v"))
    }

    @Test func metadataCannotOverwriteTheLeadingFields() {
        let line = LogLineFormatter(format: .logfmt).line(
            timestamp: time, level: .info, message: "real", metadata: ["msg": "forged", "level": "critical"])
        #expect(line == #"ts=2026-11-29T10:04:05.123Z level=info msg=real"#)
        let json = LogLineFormatter(format: .json).line(
            timestamp: time, level: .info, message: "real", metadata: ["msg": "forged", "ts": "0"])
        #expect(json == #"{"level":"info","msg":"real","ts":"2026-11-29T10:04:05.123Z"}"#)
    }

    @Test func jsonLineIsOneObjectWithEveryField() throws {
        let line = LogLineFormatter(format: .json).line(
            timestamp: time, level: .notice, message: "access denied \"quoted\"\nsecond line",
            metadata: [
                "tg.connection": "c-0123456789ab",
                "tg.reason": .stringConvertible(42),
                "tg.list": ["a", "b/c"],
                "tg.nested": ["k": "v"],
            ])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["ts"] as? String == "2026-11-29T10:04:05.123Z")
        #expect(object["level"] as? String == "notice")
        #expect(object["msg"] as? String == "access denied \"quoted\"\nsecond line")
        #expect(object["tg.connection"] as? String == "c-0123456789ab")
        #expect(object["tg.reason"] as? String == "42")
        #expect(object["tg.list"] as? [String] == ["a", "b/c"])
        #expect(object["tg.nested"] as? [String: String] == ["k": "v"])
    }

    @Test func handlerWritesOneLinePerEventAtTheSharedLevel() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let levelSwitch = LogLevelSwitch(.info)
        let handler = StructuredLogHandler(format: .logfmt, levelSwitch: levelSwitch, sink: LogSink(fileDescriptor: descriptors[1]))
        var logger = Logger(label: "test", factory: { _ in handler })
        logger[metadataKey: "tg.connection"] = "c-000000000001"
        logger.debug("hidden at info")
        logger.info("shown", metadata: ["tg.user": "alice"])
        // A reload sets the shared switch; the logger already handed out follows it.
        levelSwitch.level = .debug
        logger.debug("shown at debug")
        levelSwitch.level = .error
        logger.warning("hidden at error")
        close(descriptors[1])
        let output = String(decoding: FileHandle(fileDescriptor: descriptors[0]).readDataToEndOfFile(), as: UTF8.self)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 2, "\(output)")
        #expect(lines.first?.hasSuffix(#"level=info msg=shown tg.connection=c-000000000001 tg.user=alice"#) == true, "\(output)")
        #expect(lines.last?.contains(#"level=debug msg="shown at debug""#) == true, "\(output)")
    }
}
