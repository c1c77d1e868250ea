import Foundation
import Policy

/// Small text rules shared by the shell and the control socket.
enum OversightText {
    static func bytes(_ count: Int) -> String {
        switch count {
        case ..<1024: "\(count) B"
        case ..<(1024 * 1024): "\(count / 1024) KiB"
        default: String(format: "%.1f MiB", Double(count) / 1_048_576)
        }
    }

    static func age(_ seconds: Int) -> String {
        switch seconds {
        case ..<60: "\(seconds)s"
        case ..<3600: "\(seconds / 60)m\(seconds % 60)s"
        default: "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        }
    }
}

