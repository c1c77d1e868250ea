import Foundation

/// `hours:` windows computed from the current UTC time, so that a test knows for sure
/// whether now is inside (no injected clock: the gateway runs on the real one).
enum PolicyHours {
    /// `Mon-Sun HH:MM-HH:MM UTC`, starting `start` minutes from now (negative: in the past)
    /// and lasting `length` minutes. A window that passes midnight is written as one that
    /// crosses it, which the policy reads as starting on the earlier day.
    static func window(startingIn start: Int, lasting length: Int, from now: Date = Date()) -> String {
        "Mon-Sun \(clock(now, plus: start))-\(clock(now, plus: start + length)) UTC"
    }

    /// An ISO 8601 instant `minutes` from now, for `config check --explain --at`.
    static func instant(minutesFromNow minutes: Int, from now: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: now.addingTimeInterval(TimeInterval(minutes * 60)))
    }

    private static func clock(_ now: Date, plus minutes: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: now.addingTimeInterval(TimeInterval(minutes * 60)))
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
