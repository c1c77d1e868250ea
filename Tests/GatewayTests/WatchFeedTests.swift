@testable import Gateway
import Testing

@Suite("WatchFeed: watchers never slow the watched session")
struct WatchFeedTests {
    private func publish(_ feed: WatchFeed, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed.publish($0) }
    }

    private func watcher(_ name: String) -> Watcher {
        Watcher(name: name, organization: "retailer", control: ConnectionControl(connectionID: "c-test-\(name)"))
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

    @Test func aStalledWatcherSkipsAheadAndTheOthersMissNothing() {
        let feed = WatchFeed(recordingPath: nil, columns: nil, rows: nil)
        let stalled = watcher("stalled")
        let reading = watcher("reading")
        feed.add(stalled)
        feed.add(reading)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 32 * 1024)
        var received = 0
        for _ in 0..<64 {  // 2 MiB, eight times the queue's capacity
            publish(feed, chunk)
            received += reading.take().bytes.count
        }
        #expect(received == 64 * chunk.count)
        let behind = stalled.take()
        #expect(behind.bytes.count == Watcher.capacity)
        #expect(behind.skipped == 64 * chunk.count - Watcher.capacity)
        // Caught up: it follows again from here.
        publish(feed, Array("next".utf8))
        let next = stalled.take()
        #expect(String(decoding: next.bytes, as: UTF8.self) == "next" && next.skipped == 0)
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
