import ArgumentParser
import Audit

struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain and every recording against the SHA-256 on its session row.",
        discussion: """
            A deleted tail leaves a shorter chain that is still valid; to detect it, pass head hashes
            kept from earlier runs or from the gateway's start and stop logs with --expect.
            Every recording named by a closed session must exist and hash to the stored SHA-256;
            each one that does not is named with its session and file.
            On a configuration with cluster:, every node's chain is checked in PostgreSQL, one line
            per node (--database checks one node's own file instead).
            Exits 1 if a chain is broken or a recording does not match.
            """)

    @OptionGroup var database: AuditDatabaseOptions

    @Option(name: .customLong("expect"), help: "A head hash kept earlier, which the chain must still pass through (repeatable).")
    var expectedHashes: [String] = []

    func run() throws {
        let store = try database.openExistingStore()
        try recordQuery(store, command: "verify", filter: expectedHashes.isEmpty
            ? [:] : ["expect": .array(expectedHashes.map(AuditValue.string))])
        let progress = ProgressMeter("verified events")
        let source = try database.trailSource(localStore: store)
        let result = try auditing { () throws(AuditError) in
            try source.verifyChains(expectedHashes: Set(expectedHashes.map { $0.lowercased() })) { checked, total in
                progress.update(checked, of: total)
            }
        }
        progress.finish()
        for line in result.lines { print(line) }
        let recordings = RecordingCheck.run(try auditing { () throws(AuditError) in try store.recordingReferences() })
        for problem in recordings.problems { print(problem.description) }
        print(recordings.summary)
        if !result.isIntact || !recordings.problems.isEmpty { throw ExitCode(1) }
    }
}
