/// Names declared so far in one list, with where they first appeared, so that a duplicate can
/// point back at the original.
struct NameRegistry {
    private var firstLines: [String: Int] = [:]

    var names: Set<String> { Set(firstLines.keys) }

    /// Records the name and returns nil, or returns the line of the earlier declaration.
    mutating func declare(_ name: String, line: Int) -> Int? {
        if let first = firstLines[name] { return first }
        firstLines[name] = line
        return nil
    }
}
