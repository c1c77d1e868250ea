import Foundation
import Recording

extension SessionRecorder {
    func output(_ text: String) {
        Array(text.utf8).withUnsafeBytes { output($0) }
    }

    func input(_ text: String) {
        Array(text.utf8).withUnsafeBytes { input($0) }
    }

    func outputBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { output($0) }
    }

    /// Types `text` key by key with the terminal echoing each key, as an interactive shell does.
    func typeEchoed(_ text: String) {
        for character in text {
            input(String(character))
            output(character == "\r" ? "\r\n" : String(character))
        }
    }
}

enum RecordingFixtures {
    static func startTerminal(in directory: TemporaryDirectory, session: String = "s-000000000001",
                              limits: RecordingLimits = RecordingLimits(), onStop: RecordingStopHandler? = nil,
                              writerThread: RecordingWriterThread = .shared) throws -> SessionRecorder {
        try SessionRecorder.startTerminal(directory: directory.recordings, connectionID: "c-00000000000a",
                                          sessionID: session, width: 80, height: 24, term: "xterm-256color",
                                          title: "alice@web-01", limits: limits, onStop: onStop, writerThread: writerThread)
    }

    static func read(_ path: String) throws -> AsciicastRecording {
        try AsciicastReader.read(path: path)
    }

    static func fileText(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}

extension AsciicastRecording {
    func events(_ kind: AsciicastEvent.Kind) -> [AsciicastEvent] {
        events.filter { $0.kind == kind }
    }

    func joined(_ kind: AsciicastEvent.Kind) -> String {
        events(kind).map(\.data).joined()
    }

    var markers: [String] { events(.marker).map(\.data) }
}
