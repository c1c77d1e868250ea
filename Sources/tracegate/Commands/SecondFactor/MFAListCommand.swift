import ArgumentParser
import Audit
import Foundation
import Policy

/// `tracegate mfa list`: who is enrolled, since when, last use, open windows, and who the
/// policy requires a code of.
struct MFAListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show who is enrolled, since when, their last code, and open enrolment windows.")

    @OptionGroup var database: AuditDatabaseOptions

    func run() throws {
        let configuration = try database.configuration.load()
        let policy = AccessPolicy(configuration: configuration)
        let access = try MFAStoreAccess.open(database)
        let now = Date()
        let listings = try secondFactorStore { () throws(SecondFactorError) in try access.secondFactors.listing(at: now) }
        let byUser = Dictionary(listings.map { ($0.user, $0) }, uniquingKeysWith: { first, _ in first })
        func stamp(_ date: Date?) -> String {
            date.map { AuditTimestamp(secondsSinceEpoch: $0.timeIntervalSince1970).iso8601Seconds } ?? "-"
        }
        var rows = [["USER", "REQUIRED", "ENROLLED SINCE", "LAST CODE", "ENROLMENT WINDOW UNTIL"]]
        var names = configuration.users.map(\.name)
        names += listings.map(\.user).filter { !names.contains($0) }
        for name in names {
            let listing = byUser[name]
            let required = configuration.users.first { $0.name == name }.map { policy.requiresSecondFactor($0) } ?? false
            rows.append([name, required ? "yes" : "no", stamp(listing?.enrolledAt), stamp(listing?.lastUsedAt),
                         stamp(listing?.windowClosesAt)])
        }
        print(TableLayout.render(rows), terminator: "")
    }
}

/// Columns padded to their widest cell.
enum TableLayout {
    static func render(_ rows: [[String]]) -> String {
        let widths = rows.reduce(into: [Int](repeating: 0, count: rows.first?.count ?? 0)) { widths, row in
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
