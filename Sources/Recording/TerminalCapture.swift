/// The writer-side transcript of a pty session: output as it was displayed, input only
/// where the terminal echoed it, resizes, and markers for whatever was left out.
struct TerminalCapture: SessionTranscript {
    private(set) var writer: AsciicastWriter
    private var outputDecoder = UTF8StreamDecoder()
    private var inputDecoder = UTF8StreamDecoder()
    private var echo = EchoTracker()
    private var text: TextLineFeed?
    /// The most output bytes one event carries (replay timing is per event, too).
    static let maximumEventBytes = 32 * 1024

    init(writer: AsciicastWriter, onTextLines: TextLinesHandler?) {
        self.writer = writer
        self.text = onTextLines.map { TextLineFeed(handler: $0) }
    }

    mutating func process(_ item: RecordingItem) {
        // Once the cap stops the file, decoding and echo tracking would be wasted work.
        guard !writer.isStopped else { return }
        switch item {
        case .output(let time, let bytes):
            let actions = bytes.withUnsafeBytes { echo.displayed($0) }
            apply(actions, at: time)
            // One read of the relay can hold a whole channel window (hundreds of KiB when the
            // engineer's side is slow): written as events of at most `maximumEventBytes`, the
            // size cap stops the file within one such event of the cap, whatever the reads.
            bytes.withUnsafeBufferPointer { all in
                var start = 0
                while start < all.count, !writer.isStopped {
                    let end = min(all.count, start + Self.maximumEventBytes)
                    let decoded = outputDecoder.decode(UnsafeBufferPointer(rebasing: all[start..<end]))
                    start = end
                    guard !decoded.isEmpty else { continue }
                    writer.append(.output, decoded, at: time)
                    text?.feed(decoded)
                }
            }
        case .input(let time, let bytes):
            apply(echo.typed(bytes, at: time), at: time)
        case .resize(let time, let columns, let rows):
            writer.append(.resize, "\(columns)x\(rows)", at: time)
        case .marker(let time, let note):
            writer.append(.marker, note, at: time)
        case .gap(let time, let droppedBytes):
            // The bytes that would finish a split character or confirm an echo are gone.
            outputDecoder.reset()
            apply(echo.reset(), at: time)
            writer.append(.marker, RecordingMarker.gap(droppedBytes: droppedBytes), at: time)
        case .finish:
            break  // handled by finish(_:droppedBytes:)
        }
    }

    mutating func flush() {
        writer.flush()
        text?.deliverCompleted()
    }

    mutating func finish(_ end: RecordingEnd, droppedBytes: Int) -> RecordingSummary {
        if !writer.isStopped {
            apply(echo.finish(), at: end.time)
            let rest = outputDecoder.finish()
            if !rest.isEmpty {
                writer.append(.output, rest, at: end.time)
                text?.feed(rest)
            }
        }
        text?.finish()
        writer.appendClosingMarker(RecordingMarker.sessionEnded(exitStatus: end.exitStatus), at: end.time)
        return writer.summarize(truncated: false, droppedBytes: droppedBytes)
    }

    private mutating func apply(_ actions: [EchoTracker.Action], at time: Double) {
        for action in actions {
            switch action {
            case .record(let bytes, let typedAt):
                let decoded = inputDecoder.decode(bytes)
                if !decoded.isEmpty { writer.append(.input, decoded, at: typedAt) }
            case .discard(let startsHiddenStretch):
                // A character cut in half by the discard must not leak into the next event.
                inputDecoder.reset()
                if startsHiddenStretch { writer.append(.marker, RecordingMarker.inputHidden, at: time) }
            }
        }
    }
}

/// Feeds decoded output to a text extractor and hands completed lines to a search indexer.
struct TextLineFeed {
    private var extractor = TerminalTextExtractor()
    private let handler: TextLinesHandler

    init(handler: @escaping TextLinesHandler) {
        self.handler = handler
    }

    mutating func feed(_ text: String) {
        extractor.feed(text)
    }

    mutating func deliverCompleted() {
        let lines = extractor.takeCompletedLines()
        if !lines.isEmpty { handler(lines) }
    }

    mutating func finish() {
        extractor.finish()
        deliverCompleted()
    }
}
