/// How long the writer's commits take, in fixed buckets, kept by the writer thread as plain
/// numbers so that `Audit` needs no metrics library: the gateway reads a copy when it is
/// scraped and renders it as a Prometheus histogram.
package struct CommitLatencyHistogram: Sendable, Hashable {
    /// Upper bounds in seconds. A commit is one fsync of the WAL: about a millisecond on an
    /// SSD, tens on a loaded or networked disk; above a second something is wrong.
    package static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    /// Per bucket, not cumulative; the last one counts what exceeded every bound.
    package private(set) var counts = [Int](repeating: 0, count: bounds.count + 1)
    package private(set) var sumSeconds = 0.0
    package private(set) var count = 0

    package init() {}

    package mutating func record(seconds: Double) {
        let index = Self.bounds.firstIndex(where: { seconds <= $0 }) ?? Self.bounds.count
        counts[index] += 1
        sumSeconds += seconds
        count += 1
    }
}
