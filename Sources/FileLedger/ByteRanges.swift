/// The offsets of one file that data crossed the gateway for, merged as they come.
/// Bounded: past `maximumCount` disjoint ranges the set stops growing and says so.
struct ByteRanges {
    static let maximumCount = 256

    private(set) var ranges: [ClosedOpenRange] = []
    private(set) var overflowed = false

    /// Adds `[start, start + count)`; overlapping and touching ranges merge.
    mutating func insert(start: UInt64, count: UInt64) {
        guard count > 0 else { return }
        let (end, overflow) = start.addingReportingOverflow(count)
        guard !overflow else { overflowed = true; return }
        // Writes and reads normally extend the last range: check it first.
        if let last = ranges.last, last.lowerBound <= start, start <= last.upperBound {
            ranges[ranges.count - 1].upperBound = max(last.upperBound, end)
            return
        }
        var merged = ClosedOpenRange(start, end)
        var kept: [ClosedOpenRange] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for range in ranges {
            if range.upperBound < merged.lowerBound {
                kept.append(range)
            } else if merged.upperBound < range.lowerBound {
                if !placed { kept.append(merged); placed = true }
                kept.append(range)
            } else {
                merged = ClosedOpenRange(min(range.lowerBound, merged.lowerBound), max(range.upperBound, merged.upperBound))
            }
        }
        if !placed { kept.append(merged) }
        guard kept.count <= Self.maximumCount else { overflowed = true; return }
        ranges = kept
    }

    /// One range from 0: the whole of what was moved, with no hole.
    var isContiguousFromZero: Bool {
        ranges.count == 1 && ranges[0].lowerBound == 0 && !overflowed
    }

    var isEmpty: Bool { ranges.isEmpty }
}
