import Foundation
import Testing

extension Tag {
    /// Tests that move hundreds of megabytes; `TRACEGATE_SKIP_SLOW=1` disables them.
    @Tag static var slow: Self
}

enum SlowTests {
    static var enabled: Bool {
        ProcessInfo.processInfo.environment["TRACEGATE_SKIP_SLOW"] != "1"
    }
}
