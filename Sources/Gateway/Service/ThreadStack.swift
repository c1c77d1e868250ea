internal import CThreadStack
import Glibc

/// The calling thread's stack, and the memory its deepest moments leave resident.
///
/// A connection's thread runs two key exchanges (engineer side, target side). With libssh
/// 0.12 these are post-quantum (sntrup761, ML-KEM), whose arithmetic takes about 100 KiB of
/// stack for a few milliseconds; the kernel keeps those pages for the thread's whole life,
/// although the thread then spends hours idle a few KiB deep in its loop. At a thousand
/// idle sessions that was most of the gateway's memory per session.
package enum ThreadStack {
    /// Room left below the caller's frame for this function and its system call.
    private static let margin = 4 * 1024

    /// Hands the pages of this thread's stack below the caller's frame back to the kernel
    /// (`MADV_DONTNEED`: they read as zeros when next touched, which is what a stack needs,
    /// since nothing below the current frame is in use). Call it from a shallow frame.
    /// Returns the addresses given back (nil when the stack's bounds cannot be read).
    @discardableResult
    package static func releaseUnusedPages() -> Range<UInt>? {
        var lowest: UnsafeMutableRawPointer?
        var size = 0
        guard tracegate_thread_stack(&lowest, &size) == 0, let lowest else { return nil }
        var marker: UInt8 = 0
        let frame = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let start = (UInt(bitPattern: lowest) + page - 1) & ~(page - 1)
        // The stack grows down: everything from its lowest address up to the margin below
        // this frame is unused now.
        guard frame > start + UInt(margin) else { return nil }
        let end = (frame - UInt(margin)) & ~(page - 1)
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return nil }
        guard madvise(address, Int(end - start), MADV_DONTNEED) == 0 else { return nil }
        return start..<end
    }
}
