@testable import Gateway
import Synchronization
import Testing

@Suite("WatchFeed: watchers never slow the watched session")
struct WatchFeedTests {
    private func publish(_ feed: WatchFeed, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed.publish($0) }
    }

    private func watcher(_ name: String, clock: TestClock? = nil) -> Watcher {
        let control = ConnectionControl(connectionID: "c-test-\(name)")
        guard let clock else { return Watcher(name: name, organization: "retailer", control: control) }
        return Watcher(name: name, organization: "retailer", control: control) { clock.now }
    }

    /// Monotonic nanoseconds that move only when a test says so.
    final class TestClock: Sendable {
        private let value = Mutex<UInt64>(1_000_000_000)
        var now: UInt64 { value.withLock { $0 } }
        func advance(_ nanoseconds: UInt64) { value.withLock { $0 += nanoseconds } }
    }

    @Test func aWatcherReceivesTheOutputInOrderAndTheEnd() {
        let feed = WatchFeed(recordingPath: nil, columns: 80, rows: 24)
        publish(feed, Array("before".utf8))  // nobody watches yet: dropped, not queued
        let carol = watcher("carol")
        feed.add(carol)
        #expect(!carol.hasData)
        publish(feed, Array("one ".utf8))
        publish(feed, Array("two".utf8))
        #expect(carol.hasData)
        let taken = carol.take()
        #expect(String(decoding: taken.bytes, as: UTF8.self) == "one two" && taken.skipped == 0 && !taken.ended)
        #expect(feed.watcherNames == ["carol (retailer)"])
        feed.end()
        #expect(carol.take().ended)
        #expect(feed.watcherNames.isEmpty)
    }

    /// The engineer's thread wakes a watcher for output after a pause (an echo shows at
    /// once) and when a batch has grown large; output right behind the watcher's last take
    /// waits for the watcher's own poll instead of costing a wake-up per chunk.
    @Test func aWatcherIsWokenAfterAPauseAndForALargeBatchNotForEveryChunk() {
        let feed = WatchFeed(recordingPath: nil, columns: nil, rows: nil)
        let control = ConnectionControl(connectionID: "c-test-batch")
        let carol = Watcher(name: "carol", organization: "retailer", control: control)
        feed.add(carol)
        publish(feed, Array("echo".utf8))
        #expect(control.hasMail, "the first output after a pause wakes the watcher")
        _ = control.takeOrders()
        _ = carol.take()
        publish(feed, Array("more".utf8))
        #expect(!control.hasMail, "output right behind a take waits for the watcher's poll")
        #expect(carol.hasData)
        publish(feed, [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024))
        #expect(control.hasMail, "a batch of 64 KiB wakes the watcher")
        _ = control.takeOrders()
        #expect(carol.take().bytes.count == 4 + 64 * 1024)
    }

    /// A watcher reading at a reader's pace (here 32 KiB every 40 ms, under
    /// `Watcher.bytesPerSecond`) misses nothing; a stalled one keeps a queue's worth, skips
    /// the rest, and still holds the newest bytes.
    @Test func aStalledWatcherSkipsAheadAndAReaderAtReadingPaceMissesNothing() {
        let feed = WatchFeed(recordingPath: nil, columns: nil, rows: nil)
        let clock = TestClock()
        let stalled = watcher("stalled", clock: clock)
        let reading = watcher("reading", clock: clock)
        feed.add(stalled)
        feed.add(reading)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 32 * 1024)
        var received = 0
        for index in 0..<64 {  // 2 MiB, eight times the queue's capacity
            publish(feed, index == 63 ? Array(chunk.dropLast(3)) + Array("end".utf8) : chunk)
            clock.advance(40_000_000)
            let taken = reading.take()
            #expect(taken.skipped == 0)
            received += taken.bytes.count
        }
        #expect(received == 64 * chunk.count)
        let behind = stalled.take()
        #expect(behind.bytes.count == Watcher.capacity)
        #expect(behind.skipped == 64 * chunk.count - Watcher.capacity)
        #expect(behind.tail.count == Watcher.tailBytes && behind.tail.suffix(3) == Array("end".utf8))
        // Caught up: it follows again from here.
        publish(feed, Array("next".utf8))
        clock.advance(40_000_000)
        let next = stalled.take()
        #expect(String(decoding: next.bytes, as: UTF8.self) == "next" && next.skipped == 0 && next.tail.isEmpty)
    }

    /// Output faster than anyone reads (a `cat` of a large file) costs a watcher a burst and
    /// then its reading pace, whatever the session's throughput: the rest is skipped, and
    /// every take that skipped ends with the newest output.
    @Test func outputFasterThanAReaderIsTakenAtTheReadingPace() {
        let feed = WatchFeed(recordingPath: nil, columns: nil, rows: nil)
        let clock = TestClock()
        let carol = watcher("carol", clock: clock)
        feed.add(carol)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 16 * 1024)
        var received = 0
        var skipped = 0
        for round in 0..<100 {  // 100 × 10 ms of 4 chunks each: 6.25 MiB in one second
            let newest = Array("r\(round)c3".utf8)
            for index in 0..<4 {
                let mark = Array("r\(round)c\(index)".utf8)
                publish(feed, Array(chunk.dropLast(mark.count)) + mark)
                clock.advance(2_500_000)
            }
            let taken = carol.take()
            received += taken.bytes.count
            skipped += taken.skipped
            if taken.skipped > 0 { #expect(Array(taken.tail.suffix(newest.count)) == newest) }
        }
        #expect(received + skipped == 100 * 4 * chunk.count)
        #expect(received <= Watcher.capacity + Watcher.bytesPerSecond, "a burst, then one second at the reading pace")
        #expect(received >= Watcher.capacity)
        // A second later, the echo of a keystroke is shown at once.
        clock.advance(1_000_000_000)
        publish(feed, Array("k".utf8))
        #expect(carol.take().bytes == Array("k".utf8))
    }

    /// A screen shows one skip notice a second at most while skipping lasts, and a last one
    /// when it stops, before the output that follows.
    @Test func skipNoticesAreRateLimitedAndTheLastComesWhenSkippingStops() {
        var notices = WatchSkipNotices()
        let text: (String) -> [UInt8] = { Array($0.utf8) }
        func take(_ bytes: String, skipped: Int, tail: String) -> Watcher.Take {
            Watcher.Take(bytes: Array(bytes.utf8), skipped: skipped, tail: Array(tail.utf8), ended: false)
        }
        let first = String(decoding: notices.render(take("a", skipped: 10, tail: "T1"), now: 5_000_000_000, text: text), as: UTF8.self)
        #expect(first == "a\n[tracegate: 10 bytes of output skipped: faster than a watcher can follow, or this watcher fell behind]\nT1")
        let quiet = String(decoding: notices.render(take("", skipped: 20, tail: "T2"), now: 5_100_000_000, text: text), as: UTF8.self)
        #expect(quiet == "T2", "within a second of the last notice: only the newest output")
        let last = String(decoding: notices.render(take("b", skipped: 0, tail: ""), now: 5_200_000_000, text: text), as: UTF8.self)
        #expect(last.hasPrefix("\n[tracegate: 20 bytes") && last.hasSuffix("]\nb"))
        #expect(notices.render(take("c", skipped: 0, tail: ""), now: 5_300_000_000, text: text) == Array("c".utf8))
    }

    @Test func aWatcherThatLeftGetsNothingMore() {
        let feed = WatchFeed(recordingPath: nil, columns: nil, rows: nil)
        let carol = watcher("carol")
        feed.add(carol)
        feed.remove(carol)
        publish(feed, Array("after".utf8))
        #expect(!carol.hasData && carol.take().bytes.isEmpty)
    }
}
