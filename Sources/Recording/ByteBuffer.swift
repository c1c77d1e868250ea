import Glibc

/// Growable bytes in malloc'd memory, written through raw pointers.
///
/// The recording writer encodes every byte a session prints; building that on `[UInt8]`
/// appends costs generic dispatch per call in debug builds, enough to make the writer
/// slower than the relay it must keep up with. One buffer per recording, used by one
/// thread at a time.
final class ByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>?
    private var capacity = 0
    private(set) var count = 0

    /// Memory kept between batches; a burst above this is freed once written.
    private static let retainedCapacity = 1 << 20

    deinit { free(base) }

    /// Room for at least `additional` bytes after the current end; write there, then
    /// `advance` by what was written.
    func reserve(_ additional: Int) -> UnsafeMutablePointer<UInt8> {
        let needed = count + additional
        if needed > capacity {
            let grown = max(needed, capacity * 2, 4096)
            guard let memory = realloc(base, grown) else { fatalError("out of memory for a recording buffer") }
            base = memory.assumingMemoryBound(to: UInt8.self)
            capacity = grown
        }
        return base! + count
    }

    func advance(_ written: Int) {
        count += written
    }

    func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        count += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        memcpy(reserve(bytes.count), source, bytes.count)
        count += bytes.count
    }

    func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Drops bytes after `length`, to take back a line that does not fit.
    func truncate(to length: Int) {
        count = min(count, max(0, length))
    }

    func removeAll() {
        count = 0
        if capacity > Self.retainedCapacity {
            free(base)
            base = nil
            capacity = 0
        }
    }

    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        body(UnsafeRawBufferPointer(start: base, count: count))
    }

    var bytes: [UInt8] { withBytes { Array($0) } }
}
