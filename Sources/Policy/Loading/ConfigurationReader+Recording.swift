import Yams

/// The `recording:` section: the bounds that keep recordings from filling the disk.
extension ConfigurationReader {
    mutating func readRecording(_ node: Node) -> RecordingBounds {
        var bounds = Defaults.recording
        let keys = ["max_session_size", "max_exec_output", "min_free_space", "file_ledger"]
        guard let fields = fields(of: node, "recording", allowed: keys) else { return bounds }
        if let value = fields["max_session_size"].flatMap({ byteSize($0, "recording.max_session_size") }) {
            bounds.maxSessionBytes = value
        }
        if let value = fields["max_exec_output"].flatMap({ byteSize($0, "recording.max_exec_output") }) {
            bounds.maxExecOutputBytes = value
        }
        if let value = fields["min_free_space"].flatMap({ byteSize($0, "recording.min_free_space") }) {
            bounds.minFreeBytes = value
        }
        if let node = fields["file_ledger"], let text = string(node, "recording.file_ledger") {
            switch text {
            case "true": bounds.fileLedger = true
            case "false": bounds.fileLedger = false
            default: diagnostics.report("invalid recording.file_ledger \(SafeText.quoted(text)): expected true or false", at: node)
            }
        }
        // Smaller than a header and a few events, a cap would only ever record its own marker.
        if bounds.maxSessionBytes < Self.smallestSessionCap {
            diagnostics.report("recording.max_session_size must be at least 64KiB", at: fields["max_session_size"] ?? node)
            bounds.maxSessionBytes = Defaults.recording.maxSessionBytes
        }
        return bounds
    }

    private static let smallestSessionCap = 64 << 10

    private mutating func byteSize(_ node: Node, _ what: String) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = ScalarSyntax.byteSize(text) else {
            diagnostics.report(
                "invalid size \(SafeText.quoted(text)) for \(what): expected a number of bytes or e.g. 512KiB, 100MiB, 2GiB",
                at: node)
            return nil
        }
        return value
    }
}
