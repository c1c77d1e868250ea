import Foundation
import Gateway
import Glibc
import Testing

@Suite("ThreadStack: a connection thread gives back the stack its work touched")
struct ThreadStackTests {
    /// Recurses `depth` frames of at least 512 bytes each (several KiB in a debug build),
    /// writing every one of them.
    @inline(never)
    private static func touchStack(depth: Int) -> UInt64 {
        var frame = SIMD64<UInt64>(repeating: UInt64(depth))
        withUnsafeMutableBytes(of: &frame) { bytes in bytes.storeBytes(of: UInt64(depth &* 31), as: UInt64.self) }
        return depth == 0 ? frame[0] : touchStack(depth: depth - 1) &+ frame[1]
    }

    /// Pages of `range` that are in memory (mincore).
    private static func residentPages(_ range: Range<UInt>) -> Int {
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let count = Int((range.upperBound - range.lowerBound) / page)
        var vector = [UInt8](repeating: 0, count: count)
        let result = mincore(UnsafeMutableRawPointer(bitPattern: range.lowerBound), Int(range.upperBound - range.lowerBound),
                             &vector)
        return result == 0 ? vector.filter { $0 & 1 == 1 }.count : -1
    }

    @Test("the pages below the caller's frame leave memory, and come back as a fresh stack when used again")
    func releasesTouchedPages() async throws {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<[Int], Never>) in
            let thread = Thread {
                _ = Self.touchStack(depth: 100)
                guard let released = ThreadStack.releaseUnusedPages() else { return continuation.resume(returning: []) }
                let afterRelease = Self.residentPages(released)
                let depthValue = Self.touchStack(depth: 100)
                let afterReuse = Self.residentPages(released)
                ThreadStack.releaseUnusedPages()
                let afterSecondRelease = Self.residentPages(released)
                continuation.resume(returning: [Int(released.upperBound - released.lowerBound), afterRelease,
                                                afterReuse, afterSecondRelease, Int(depthValue % 2)])
            }
            thread.stackSize = 1024 * 1024
            thread.start()
        }
        try #require(outcome.count == 5, "the thread's stack bounds could not be read")
        let (releasedBytes, afterRelease, afterReuse, afterSecondRelease) = (outcome[0], outcome[1], outcome[2], outcome[3])
        // Nearly all of the 1 MiB stack lies below the thread's shallow frame.
        #expect(releasedBytes >= 768 * 1024)
        #expect(afterRelease == 0)
        #expect(afterReuse >= 8, "touching the stack again must bring pages back (or the measure sees nothing)")
        #expect(afterSecondRelease == 0)
    }
}
