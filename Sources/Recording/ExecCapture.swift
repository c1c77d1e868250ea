/// The writer-side transcript of an exec session (`ssh host command`): stdout and stderr
/// as output events up to the capture cap, which the relay side enforces, and a closing
/// marker with the total the command produced when the cap cut it short.
///
/// Exec stdin is not recorded: it carries piped data (`ssh host 'cat > f' < secrets`), not
/// typing, and no terminal echoes it.
struct ExecCapture: SessionTranscript {
    private(set) var writer: AsciicastWriter
    private var decoder = UTF8StreamDecoder()
    private var text: TextLineFeed?

    init(writer: AsciicastWriter, onTextLines: TextLinesHandler?) {
        self.writer = writer
        self.text = onTextLines.map { TextLineFeed(handler: $0) }
    }

    mutating func process(_ item: RecordingItem) {
        guard !writer.isStopped else { return }
        switch item {
        case .output(let time, let bytes):
            let decoded = decoder.decode(bytes)
            guard !decoded.isEmpty else { return }
            writer.append(.output, decoded, at: time)
            text?.feed(decoded)
        case .marker(let time, let note):
            writer.append(.marker, note, at: time)
        case .gap(let time, let droppedBytes):
            decoder.reset()
            writer.append(.marker, RecordingMarker.gap(droppedBytes: droppedBytes), at: time)
        case .input, .resize, .finish:
            break
        }
    }

    mutating func flush() {
        writer.flush()
        text?.deliverCompleted()
    }

    mutating func finish(_ end: RecordingEnd, droppedBytes: Int) -> RecordingSummary {
        if !writer.isStopped {
            let rest = decoder.finish()
            if !rest.isEmpty {
                writer.append(.output, rest, at: end.time)
                text?.feed(rest)
            }
        }
        text?.finish()
        var capped = false
        if let output = end.execOutput, output.seen > output.captured {
            capped = true
            writer.appendClosingMarker(RecordingMarker.execCaptureTotal(captured: output.captured, total: output.seen),
                                       at: end.time)
        }
        writer.appendClosingMarker(RecordingMarker.sessionEnded(exitStatus: end.exitStatus), at: end.time)
        return writer.summarize(truncated: capped, droppedBytes: droppedBytes)
    }
}
