import Foundation

/// The first line of an asciicast v2 file.
package struct AsciicastHeader: Sendable, Equatable {
    package var width: Int
    package var height: Int
    /// Unix time of the start of the recording.
    package var timestamp: Int?
    package var term: String?
    package var title: String?
    /// The command line of an exec session.
    package var command: String?
    package var idleTimeLimit: Double?

    package init(width: Int, height: Int, timestamp: Int? = nil, term: String? = nil, title: String? = nil,
                 command: String? = nil, idleTimeLimit: Double? = nil) {
        self.width = width
        self.height = height
        self.timestamp = timestamp
        self.term = term
        self.title = title
        self.command = command
        self.idleTimeLimit = idleTimeLimit
    }

    /// The header line, newline included, with keys in a fixed order so that
    /// files diff and read predictably.
    package var encodedLine: [UInt8] {
        var output: [UInt8] = []
        output.append(contentsOf: "{\"version\": 2, \"width\": \(width), \"height\": \(height)".utf8)
        if let timestamp { output.append(contentsOf: ", \"timestamp\": \(timestamp)".utf8) }
        if let idleTimeLimit { output.append(contentsOf: ", \"idle_time_limit\": \(idleTimeLimit)".utf8) }
        if let command {
            output.append(contentsOf: ", \"command\": ".utf8)
            JSONStringEncoding.appendQuoted(command, to: &output)
        }
        if let term {
            output.append(contentsOf: ", \"env\": {\"TERM\": ".utf8)
            JSONStringEncoding.appendQuoted(term, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        if let title {
            output.append(contentsOf: ", \"title\": ".utf8)
            JSONStringEncoding.appendQuoted(title, to: &output)
        }
        output.append(contentsOf: "}\n".utf8)
        return output
    }

    /// Parses a header line; `nil` with a reason when it is not asciicast v2.
    static func decode(_ line: some Collection<UInt8>) -> Result<AsciicastHeader, HeaderProblem> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            return .failure(HeaderProblem("the first line is not a JSON object"))
        }
        guard let version = (object["version"] as? NSNumber)?.intValue, version == 2 else {
            return .failure(HeaderProblem("version is not 2"))
        }
        guard let width = (object["width"] as? NSNumber)?.intValue,
              let height = (object["height"] as? NSNumber)?.intValue else {
            return .failure(HeaderProblem("width or height is missing"))
        }
        let environment = object["env"] as? [String: Any]
        return .success(AsciicastHeader(
            width: width, height: height,
            timestamp: (object["timestamp"] as? NSNumber)?.intValue,
            term: environment?["TERM"] as? String,
            title: object["title"] as? String,
            command: object["command"] as? String,
            idleTimeLimit: (object["idle_time_limit"] as? NSNumber)?.doubleValue))
    }

    struct HeaderProblem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
