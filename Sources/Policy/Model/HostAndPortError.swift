package enum HostAndPortError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed
    case invalidHost
    case invalidPort

    package var description: String {
        switch self {
        case .malformed: return "expected HOST:PORT (IPv6 as [ADDRESS]:PORT)"
        case .invalidHost: return "host must be a name, an IPv4 address or a bracketed IPv6 address"
        case .invalidPort: return "port must be a number from 1 to 65535"
        }
    }
}
