import Foundation

/// Runs the `sqlite3` command-line shell on a database file, as an auditor or an attacker
/// with access to the file would: a separate process and connection, none of our code.
enum SQLiteShell {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    @discardableResult
    static func run(_ path: String, _ sql: String) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-batch", path]
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Wait for a lock like a patient person would, rather than failing at once.
        input.fileHandleForWriting.write(Data((".timeout 5000\n" + sql).utf8))
        try input.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}
