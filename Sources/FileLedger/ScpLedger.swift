import Crypto

/// Follows a legacy scp session (`scp -t` or `scp -f`): the side that sends files writes
/// `T`, `C`, `D` and `E` records and each file's bytes; the other side answers each with a
/// one-byte acknowledgement (0, or 1/2 and a message line). Each file becomes one entry
/// with the SHA-256 of its bytes. Bounded and non-trapping like `SFTPLedger`.
package struct ScpLedger: Sendable {
    static let maximumLineLength = 8192
    static let maximumDepth = 256

    private enum Awaiting {
        case start
        case fileHeader(ScpFile)
        case fileEnd(ScpFile)
        case directory(String)
        case record
    }

    private enum SourceState {
        case line
        case data(ScpFile, remaining: UInt64)
        case trailer(ScpFile)
        case errorLine(ScpFile?)
        case awaitingAcknowledgement(Awaiting)
    }

    private enum SinkState {
        case acknowledgement
        case errorLine
    }

    private struct ScpFile {
        var path: String
        var name: String
        var size: UInt64
        var moved: UInt64 = 0
        var hasher = SHA256()
        var startedAt: Double
        var failure: String?
    }

    private let command: ScpCommand
    private var source: SourceState = .awaitingAcknowledgement(.start)
    private var sink: SinkState = .acknowledgement
    private var line: [UInt8] = []
    private var sinkLine: [UInt8] = []
    private var directories: [String] = []
    /// Source bytes that came while an acknowledgement was awaited (a well-behaved peer sends none).
    private var heldBack: [UInt8] = []
    package private(set) var stopped: (integrity: FileLedgerEntry.Integrity, note: String)?
    private var finished: [FileLedgerEntry] = []

    package init(command: ScpCommand) {
        self.command = command
    }

    package mutating func takeEntries() -> [FileLedgerEntry] {
        defer { finished.removeAll(keepingCapacity: true) }
        return finished
    }

    package mutating func client(_ bytes: UnsafeRawBufferPointer, at time: Double) {
        command.mode == .sink ? fromSource(bytes, at: time) : fromSink(bytes, at: time)
    }

    package mutating func server(_ bytes: UnsafeRawBufferPointer, at time: Double) {
        command.mode == .sink ? fromSink(bytes, at: time) : fromSource(bytes, at: time)
    }

    package mutating func skipped(at time: Double) {
        guard stopped == nil else { return }
        stop(.overflow, "the ledger fell behind the transfer and skipped bytes", at: time)
    }

    package mutating func finish(at time: Double) {
        guard stopped == nil else { return }
        switch source {
        case .data(let file, _), .trailer(let file), .awaitingAcknowledgement(.fileHeader(let file)):
            finished.append(entry(file, status: "not_finished", integrity: .partial,
                                  note: "the session ended during the file", at: time))
        case .awaitingAcknowledgement(.fileEnd(let file)):
            finished.append(entry(file, status: "unacknowledged", at: time))
        case .errorLine(let file?):
            finished.append(entry(file, status: "not_finished", integrity: .partial, note: "the session ended", at: time))
        case .line, .errorLine(nil), .awaitingAcknowledgement:
            break
        }
        source = .line
    }

    private mutating func stop(_ integrity: FileLedgerEntry.Integrity, _ note: String, at time: Double) {
        switch source {
        case .data(let file, _), .trailer(let file), .awaitingAcknowledgement(.fileHeader(let file)),
             .awaitingAcknowledgement(.fileEnd(let file)), .errorLine(let file?):
            finished.append(entry(file, status: "unknown", integrity: integrity, note: note, at: time))
        case .line, .errorLine(nil), .awaitingAcknowledgement:
            break
        }
        stopped = (integrity, note)
        line = []
        heldBack = []
    }

    // MARK: the side that sends files

    private mutating func fromSource(_ bytes: UnsafeRawBufferPointer, at time: Double) {
        guard stopped == nil else { return }
        var index = 0
        while index < bytes.count, stopped == nil {
            switch source {
            case .awaitingAcknowledgement:
                guard heldBack.count + bytes.count - index <= 65536 else {
                    stop(.unparsed, "the sending side went on without an acknowledgement", at: time)
                    return
                }
                heldBack.append(contentsOf: bytes[index...])
                return
            case .data(var file, let remaining):
                let take = Int(min(remaining, UInt64(bytes.count - index)))
                file.hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                file.moved += UInt64(take)
                index += take
                source = remaining == UInt64(take) ? .trailer(file) : .data(file, remaining: remaining - UInt64(take))
            case .trailer(let file):
                let byte = bytes[index]
                index += 1
                if byte == 0 {
                    source = .awaitingAcknowledgement(.fileEnd(file))
                } else if byte == 1 || byte == 2 {
                    source = .errorLine(file)
                } else {
                    stop(.unparsed, "a file's bytes are not followed by its end mark", at: time)
                }
            case .line, .errorLine:
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\n") else {
                    guard line.count < Self.maximumLineLength else {
                        stop(.unparsed, "a record longer than \(Self.maximumLineLength) bytes", at: time)
                        return
                    }
                    line.append(byte)
                    continue
                }
                let text = line
                line = []
                sourceLine(text, at: time)
            }
        }
    }

    private mutating func sourceLine(_ text: [UInt8], at time: Double) {
        if case .errorLine(let file) = source {
            let message = String(decoding: text, as: UTF8.self)
            if let file {
                finished.append(entry(file, status: "error: \(message)", integrity: .partial,
                                      note: "the sending side failed while reading the file", at: time))
            } else {
                finished.append(FileLedgerEntry(protocolName: .scp, operation: command.direction, path: command.path,
                                                status: "error: \(Self.bounded(message))", startedAt: time, endedAt: time))
            }
            source = .line
            return
        }
        guard let kind = text.first else {
            stop(.unparsed, "an empty record", at: time)
            return
        }
        let rest = String(decoding: text.dropFirst(), as: UTF8.self)
        switch kind {
        case 1, 2:
            source = .errorLine(nil)
            sourceLine(Array(text.dropFirst()), at: time)
        case UInt8(ascii: "T"):
            source = .awaitingAcknowledgement(.record)
        case UInt8(ascii: "E"):
            if !directories.isEmpty { directories.removeLast() }
            source = .awaitingAcknowledgement(.record)
        case UInt8(ascii: "C"), UInt8(ascii: "D"):
            let fields = rest.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let size = UInt64(fields[1]), size <= UInt64(1) << 62, !fields[2].isEmpty,
                  fields[0].allSatisfy({ $0.isNumber }) else {
                stop(.unparsed, "a malformed \(kind == UInt8(ascii: "C") ? "file" : "directory") record", at: time)
                return
            }
            let name = String(fields[2])
            let path = path(for: name)
            if kind == UInt8(ascii: "C") {
                source = .awaitingAcknowledgement(.fileHeader(ScpFile(path: path, name: name, size: size, startedAt: time)))
            } else {
                guard directories.count < Self.maximumDepth else {
                    stop(.unparsed, "directories nested deeper than \(Self.maximumDepth)", at: time)
                    return
                }
                source = .awaitingAcknowledgement(.directory(path))
            }
        default:
            stop(.unparsed, "an unknown record", at: time)
        }
    }

    /// Where a record lands, as the client named it (see README: the ledger).
    private func path(for name: String) -> String {
        if let parent = directories.last { return Self.join(parent, name) }
        let base = command.path
        if Self.lastComponent(base) == name { return base }
        switch command.mode {
        case .source:
            // A glob or a directory's contents: the record's name in the named path's folder.
            return Self.join(Self.folder(base), name)
        case .sink:
            let isDirectory = command.recursive || command.targetIsDirectory || base.hasSuffix("/") || base == "."
                || base == "~" || base.isEmpty
            return isDirectory ? Self.join(base, name) : base
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        if folder.isEmpty || folder == "." { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed.split(separator: "/").last.map(String.init) ?? String(trimmed)
    }

    private static func folder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func bounded(_ text: String) -> String {
        text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    // MARK: the side that receives files

    private mutating func fromSink(_ bytes: UnsafeRawBufferPointer, at time: Double) {
        guard stopped == nil else { return }
        for byte in bytes {
            guard stopped == nil else { return }
            switch sink {
            case .acknowledgement:
                if byte == 0 {
                    acknowledged(failure: nil, at: time)
                } else if byte == 1 || byte == 2 {
                    sink = .errorLine
                    sinkLine = []
                } else {
                    stop(.unparsed, "an acknowledgement that is neither 0, 1 nor 2", at: time)
                }
            case .errorLine:
                if byte == UInt8(ascii: "\n") {
                    sink = .acknowledgement
                    acknowledged(failure: Self.bounded(String(decoding: sinkLine, as: UTF8.self)), at: time)
                } else if sinkLine.count < Self.maximumLineLength {
                    sinkLine.append(byte)
                }
            }
        }
    }

    private mutating func acknowledged(failure: String?, at time: Double) {
        guard case .awaitingAcknowledgement(let awaiting) = source else { return }
        source = .line
        switch awaiting {
        case .start, .record:
            break
        case .fileHeader(let file):
            if let failure {
                finished.append(entry(file, status: "error: \(failure)", integrity: FileLedgerEntry.Integrity.none, at: time))
            } else {
                source = file.size == 0 ? .trailer(file) : .data(file, remaining: file.size)
            }
        case .fileEnd(let file):
            finished.append(entry(file, status: failure.map { "error: \($0)" } ?? "ok", at: time))
        case .directory(let path):
            if failure == nil { directories.append(path) }
        }
        let held = heldBack
        heldBack = []
        if !held.isEmpty { held.withUnsafeBytes { fromSource($0, at: time) } }
    }

    private func entry(_ file: ScpFile, status: String, integrity: FileLedgerEntry.Integrity? = nil, note: String? = nil,
                       at time: Double) -> FileLedgerEntry {
        let whole = integrity == nil && file.moved == file.size
        let digest = whole ? Hex.encode(file.hasher.finalize()) : nil
        return FileLedgerEntry(
            protocolName: .scp, operation: command.direction, path: file.path,
            secondPath: Self.lastComponent(file.path) == file.name ? nil : file.name, bytes: Int64(file.moved),
            ranges: file.moved > 0 ? [ClosedOpenRange(0, file.moved)] : [], sha256: digest,
            integrity: integrity ?? (whole ? .complete : .partial), status: status, note: note,
            startedAt: file.startedAt, endedAt: time)
    }
}
