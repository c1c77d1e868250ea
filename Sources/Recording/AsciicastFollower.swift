import Glibc

/// Reads a recording that may still be growing, for `tracegate replay` of a live session:
/// each call returns the events appended since the last one.
package final class AsciicastFollower {
    package let path: String
    private var reader: AsciicastReader
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// A `session ended` marker was read: nothing more will be written.
    package private(set) var sessionEnded = false

    package init(path: String) throws(RecordingError) {
        self.path = path
        reader = AsciicastReader(source: path)
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotRead(path: path, reason: RecordingError.systemReason()) }
    }

    deinit { close(descriptor) }

    package var header: AsciicastHeader? { reader.header }

    /// Events appended since the last call; empty at the current end of the file.
    package func readAvailable() throws(RecordingError) -> [AsciicastEvent] {
        var events: [AsciicastEvent] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: RecordingError.systemReason())
            }
            if count == 0 { break }
            events += try reader.feed(buffer[..<count])
            if events.count >= 4096 { break }  // let the caller play while the rest is read
        }
        if events.contains(where: { $0.kind == .marker && RecordingMarker.isSessionEnd($0.data) }) {
            sessionEnded = true
        }
        return events
    }

    /// Seconds since the file was last written, to give up on a recording whose writer
    /// died without a closing marker.
    package func secondsSinceModification() -> Double {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .infinity }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - modified
    }
}
