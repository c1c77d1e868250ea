import ArgumentParser
import Audit

struct AuditShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one connection: attempts, decision, sessions, commands, exit codes, bytes, recordings.")

    @OptionGroup var database: AuditDatabaseOptions

    @Argument(help: "The connection id (e.g. c-6b0cc9003f2a91c4), as in logs and `audit connections`.")
    var id: String

    @Option(help: "Output format: table (readable text) or json (one object).")
    var format: OutputFormat = .table

    func validate() throws {
        if format == .csv { throw ValidationError("show prints one connection; use --format table or json") }
    }

    func run() throws {
        let store = try database.openExistingStore()
        try recordQuery(store, command: "show", filter: ["connection_id": .string(id)])
        let source = try database.trailSource(localStore: store)
        let detail = try auditing { () throws(AuditError) in try source.connectionDetail(id: id) }
        let output = BufferedOutput()
        switch format {
        case .json: output.writeLine(ConnectionReport.json(detail))
        case .table, .csv: ConnectionReport.text(detail).forEach(output.writeLine)
        }
        output.flush()
    }
}
