import Foundation

/// A whole recording, read at once.
package struct AsciicastRecording: Sendable {
    package var header: AsciicastHeader
    package var events: [AsciicastEvent]
}

/// Parses asciicast v2 text fed in arbitrary chunks: the header line, then one event per
/// line. Chunks may end mid-line (a file still being written); the incomplete line waits
/// for the rest.
package struct AsciicastReader: Sendable {
    package private(set) var header: AsciicastHeader?
    private let source: String
    private var partialLine: [UInt8] = []
    private var lineNumber = 0

    /// `source` names the file in error messages.
    package init(source: String) {
        self.source = source
    }

    package static func read(path: String) throws(RecordingError) -> AsciicastRecording {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotRead(path: path, reason: error.localizedDescription)
        }
        var reader = AsciicastReader(source: path)
        var events = try reader.feed(contents)
        events += try reader.finish()
        guard let header = reader.header else {
            throw .notAsciicast(path: path, line: 1, reason: "the file is empty")
        }
        return AsciicastRecording(header: header, events: events)
    }

    /// Parses every complete line in `bytes` (after what earlier calls left over).
    package mutating func feed(_ bytes: some Collection<UInt8>) throws(RecordingError) -> [AsciicastEvent] {
        var events: [AsciicastEvent] = []
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\n") {
                partialLine.append(contentsOf: bytes[lineStart..<index])
                let line = partialLine
                partialLine.removeAll(keepingCapacity: true)
                if let event = try parse(line) { events.append(event) }
                lineStart = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        partialLine.append(contentsOf: bytes[lineStart...])
        return events
    }

    /// The end of the input: a last line without a newline is parsed too.
    package mutating func finish() throws(RecordingError) -> [AsciicastEvent] {
        guard !partialLine.isEmpty else { return [] }
        let line = partialLine
        partialLine.removeAll()
        return try parse(line).map { [$0] } ?? []
    }

    private mutating func parse(_ line: [UInt8]) throws(RecordingError) -> AsciicastEvent? {
        lineNumber += 1
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { return nil }
        guard header != nil else {
            switch AsciicastHeader.decode(line) {
            case .success(let decoded): header = decoded
            case .failure(let problem): throw .notAsciicast(path: source, line: lineNumber, reason: problem.reason)
            }
            return nil
        }
        guard let array = try? JSONSerialization.jsonObject(with: Data(line)) as? [Any], array.count == 3,
              let time = (array[0] as? NSNumber)?.doubleValue, let code = array[1] as? String,
              let data = array[2] as? String else {
            throw .notAsciicast(path: source, line: lineNumber, reason: "an event is not [time, code, data]")
        }
        // Event codes this version does not know are skipped, as asciinema's players do.
        guard let kind = AsciicastEvent.Kind(rawValue: code) else { return nil }
        return AsciicastEvent(time: time, kind: kind, data: data)
    }
}
