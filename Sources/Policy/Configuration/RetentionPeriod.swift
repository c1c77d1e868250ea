/// How long the audit trail and recordings are kept: `400d`, `12h`, `90m`, `3600s` or plain
/// seconds. Days are what operators think in for retention, so `d` is accepted here on top of
/// the units every other duration of the configuration takes.
package enum RetentionPeriod {
    package static let syntax = "a positive number of days, hours, minutes or seconds, e.g. 400d, 36h"

    package static func parse(_ text: String) -> Duration? {
        guard text.hasSuffix("d") else { return ScalarSyntax.duration(text) }
        // Up to 9 digits keeps the product far from overflowing.
        guard let days = ScalarSyntax.positiveInteger(text.dropLast()) else { return nil }
        return .seconds(Int64(days) * 86_400)
    }
}
