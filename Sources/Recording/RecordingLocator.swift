import Foundation

/// Where recordings live and how a session id becomes a file.
///
/// The file name carries the connection and session ids (`c-…-s-….cast`), the same ids as
/// the audit trail and the logs, so a recording can be found by name alone, without the
/// database.
package enum RecordingLocator {
    /// Recordings live in `STATE_DIR/recordings`.
    package static func recordingsDirectory(stateDirectory: String) -> String {
        stateDirectory + "/recordings"
    }

    package static func fileName(connectionID: String, sessionID: String) -> String {
        "\(connectionID)-\(sessionID).cast"
    }

    /// Resolves what a user typed: an existing file, a file name in `recordingsDirectory`,
    /// a session id (`s-…`, the file ending in `-<id>.cast`) or a connection id (`c-…`,
    /// when the connection had exactly one recorded session).
    package static func resolve(_ pathOrID: String, recordingsDirectory: String) throws(RecordingError) -> String {
        var info = stat()
        if stat(pathOrID, &info) == 0 && info.st_mode & S_IFMT == S_IFREG { return pathOrID }
        guard !pathOrID.isEmpty, !pathOrID.contains("/") else {
            throw .recordingNotFound(pathOrID, directory: recordingsDirectory)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: recordingsDirectory)
        } catch {
            throw .recordingNotFound(pathOrID, directory: recordingsDirectory)
        }
        let matches = names.filter { name in
            name.hasSuffix(".cast")
                && (name == pathOrID || name == pathOrID + ".cast" || name.hasSuffix("-\(pathOrID).cast")
                    || name.hasPrefix("\(pathOrID)-"))
        }.sorted()
        guard let match = matches.first else { throw .recordingNotFound(pathOrID, directory: recordingsDirectory) }
        guard matches.count == 1 else { throw .ambiguousRecording(pathOrID, matches: matches) }
        return recordingsDirectory + "/" + match
    }

    /// Ids come from the gateway, but they become a path: anything that could climb out of
    /// the directory or hide a file is refused.
    static func preparePath(directory: String, connectionID: String, sessionID: String) throws(RecordingError) -> String {
        for identifier in [connectionID, sessionID] where !isSafeIdentifier(identifier) {
            throw .invalidIdentifier(identifier)
        }
        try RecordingFile.prepareDirectory(directory)
        return directory + "/" + fileName(connectionID: connectionID, sessionID: sessionID)
    }

    private static func isSafeIdentifier(_ identifier: String) -> Bool {
        guard let first = identifier.utf8.first, first != UInt8(ascii: "."), identifier.utf8.count <= 128 else {
            return false
        }
        return identifier.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                true
            default:
                false
            }
        }
    }
}
