import Glibc

/// Standard output with a 64 KiB buffer. An export of a million rows would otherwise cost a
/// million `write` calls; `print` buffers too, but cannot be flushed before progress is
/// redrawn on standard error.
final class BufferedOutput {
    private var buffer: [UInt8] = []
    private let descriptor: Int32
    private let capacity = 65_536

    init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        buffer.reserveCapacity(capacity)
    }

    func writeLine(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= capacity { flush() }
    }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { bytes in
                Glibc.write(descriptor, bytes.baseAddress, bytes.count)
            }
            if written < 0 && errno == EINTR { continue }
            // A closed pipe (`| head`) ends the output; SIGPIPE normally ends the process first.
            if written <= 0 { break }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        flush()
    }
}
