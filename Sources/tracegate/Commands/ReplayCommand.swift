import ArgumentParser
import Foundation
import Recording

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recorded terminal session with its timing, or print its final text.",
        discussion: """
            RECORDING is a .cast file, or a session id (s-…) looked up in the audit database of \
            --config (the path on its session row), else found by name in the recordings \
            directory (STATE_DIR/recordings of --config, or --recordings-dir). A recording that \
            is still being written is followed until its session ends. With cluster:, the session \
            is looked up in PostgreSQL first, whichever node ran it; its recording must be readable \
            here (cluster.recordings on a directory every node mounts). Recorder notes (hidden \
            input, gaps, truncation, the end of the session) are shown in brackets.
            """)

    @Argument(help: "A recording file or a session id.")
    var recording: String

    @Option(help: "Playback speed: 2 plays twice as fast.")
    var speed: Double = 1

    @Option(name: .customLong("idle-limit"), help: "Shorten every pause to at most this many seconds.")
    var idleLimit: Double?

    @Flag(help: "Print the text the terminal finally showed, without escape sequences or timing.")
    var cat = false

    @Option(name: .customLong("recordings-dir"), help: "Where to look up a session id.")
    var recordingsDirectory: String?

    @Option(name: .customLong("follow-timeout"),
            help: "Stop following a recording without an end marker once it has not changed for this many seconds.")
    var followTimeout: Double = 120

    @OptionGroup var options: ConfigOption

    func validate() throws {
        guard speed > 0 else { throw ValidationError("--speed must be greater than 0") }
        if let idleLimit, idleLimit <= 0 { throw ValidationError("--idle-limit must be greater than 0") }
        guard followTimeout >= 0 else { throw ValidationError("--follow-timeout must not be negative") }
    }

    func run() throws {
        do {
            let path = try recordedPath() ?? RecordingLocator.resolve(recording, recordingsDirectory: try lookupDirectory())
            if cat {
                try printFinalText(of: path)
            } else {
                try play(path)
            }
        } catch let error as RecordingError {
            printError("tracegate: \(error)")
            throw ExitCode(1)
        }
    }

    /// The path the audit trail stored for the session (or the connection's only recording),
    /// when RECORDING is an id and the trail can be read; `nil` to fall back to the file name.
    private func recordedPath() throws -> String? {
        guard recordingsDirectory == nil, !FileManager.default.fileExists(atPath: recording),
              !recording.contains("/") else { return nil }
        let configuration = try options.load()
        let stateDirectory = configuration.stateDirectory
        if let notice = RecordedSessionLookup.breakGlassNotice(forID: recording, stateDirectory: stateDirectory) {
            printError(notice)
        }
        // The node's own trail first: replaying this node's session needs no PostgreSQL.
        if let path = RecordedSessionLookup.path(forID: recording, stateDirectory: stateDirectory) { return path }
        guard let cluster = configuration.cluster else { return nil }
        return try ClusterRecordingLookup.path(forID: recording, cluster: cluster, stateDirectory: stateDirectory,
                                               configPath: options.config)
    }

    /// The configuration is only read when RECORDING is not a file: replaying a copied
    /// recording must work on a machine without the gateway's configuration.
    private func lookupDirectory() throws -> String {
        if let recordingsDirectory { return recordingsDirectory }
        if FileManager.default.fileExists(atPath: recording) { return "." }
        let configuration = try options.load()
        return configuration.cluster?.nodeRecordingsDirectory
            ?? RecordingLocator.recordingsDirectory(stateDirectory: configuration.stateDirectory)
    }

    private func printFinalText(of path: String) throws(RecordingError) {
        let recording = try AsciicastReader.read(path: path)
        var extractor = TerminalTextExtractor()
        for event in recording.events {
            switch event.kind {
            case .output: extractor.feed(event.data)
            case .marker: extractor.insertNote(Self.note(event.data))
            case .input, .resize: break
            }
        }
        extractor.finish()
        let lines = extractor.lines
        FileHandleOutput.write(lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n", to: 1)
    }

    /// Plays events at their recorded times (scaled by --speed, pauses capped by
    /// --idle-limit), reading on as the file grows. Times are kept against one schedule,
    /// so the wait for a live session's next event is not added to the pause before it.
    private func play(_ path: String) throws(RecordingError) {
        let follower = try AsciicastFollower(path: path)
        let start = ProcessInfo.processInfo.systemUptime
        var schedule = 0.0
        var previousTime = 0.0
        while true {
            let events = try follower.readAvailable()
            if events.isEmpty {
                if follower.sessionEnded || follower.secondsSinceModification() > followTimeout { break }
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            for event in events {
                var pause = max(0, event.time - previousTime)
                previousTime = max(previousTime, event.time)
                if let idleLimit { pause = min(pause, idleLimit) }
                schedule += pause / speed
                let wait = start + schedule - ProcessInfo.processInfo.systemUptime
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                switch event.kind {
                case .output:
                    FileHandleOutput.write(event.data, to: 1)
                case .marker:
                    FileHandleOutput.write("\r\n\u{1B}[7m\(Self.note(event.data))\u{1B}[0m\r\n", to: 1)
                case .input, .resize:
                    break  // typed keys are visible through their echo; the viewer's size is its own
                }
            }
        }
    }

    private static func note(_ marker: String) -> String {
        "[tracegate: \(marker)]"
    }
}
