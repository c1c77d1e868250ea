/// The `host:port` syntax shared by `listen` and target addresses; `[v6]:port` for IPv6,
/// because a bare IPv6 address cannot be told apart from its port.
package struct HostAndPort: Hashable, Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package init(parsing text: String) throws(HostAndPortError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .malformed }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .malformed }
            portText = rest.dropFirst()
            guard !host.isEmpty, host.contains(":"), host.allSatisfy(Self.isIPv6Character) else { throw .invalidHost }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .malformed }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.isEmpty, host.allSatisfy(Self.isHostCharacter) else { throw .invalidHost }
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
              let port = Int(portText), (1...65535).contains(port)
        else { throw .invalidPort }
        self.init(host: String(host), port: port)
    }

    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    // Host names and IPv4 literals; anything else (spaces, a second colon) is a typo.
    private static func isHostCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
    }

    // Hex digits, colons, an embedded IPv4 tail and a `%zone`.
    private static func isIPv6Character(_ character: Character) -> Bool {
        character.isASCII && (character.isHexDigit || ":.%".contains(character) || character.isLetter || character.isNumber)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
