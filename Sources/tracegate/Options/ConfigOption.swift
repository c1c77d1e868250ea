import Glibc
import ArgumentParser
import Policy

/// `--config PATH`, shared by every command that reads the gateway's configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The gateway configuration file.")
    var config: String = "config/tracegate.yaml"

    /// Loads and validates the file; on errors prints each as FILE:LINE:COLUMN and exits 1.
    func load() throws -> GatewayConfiguration {
        do {
            return try ConfigurationLoader.load(path: config)
        } catch {
            for problem in error.errors { printError(problem.description) }
            throw ExitCode(1)
        }
    }
}

func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.write(string, to: 2)
    }
}

enum FileHandleOutput {
    static func write(_ string: String, to descriptor: Int32) {
        var bytes = Array(string.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeMutableBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress, buffer.count)
            }
            if written <= 0 { return }
            offset += written
        }
        bytes.removeAll()
    }
}
