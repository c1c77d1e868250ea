internal import CQRencode

/// A QR code drawn with Unicode half blocks, two modules per character cell, so that an
/// authenticator app can scan it from the engineer's terminal. The symbol itself comes from
/// libqrencode; this only paints its modules, dark on light with the four-module quiet zone
/// that scanners need.
package enum TerminalQRCode {
    /// `nil` if libqrencode cannot encode `text` (too long for any QR version).
    package static func render(_ text: String) -> String? {
        guard let modules = modules(text) else { return nil }
        let width = modules.count
        let quiet = 4
        let size = width + 2 * quiet
        // Outside the symbol is the quiet zone.
        func dark(_ row: Int, _ column: Int) -> Bool {
            let r = row - quiet, c = column - quiet
            guard r >= 0, r < width, c >= 0, c < width else { return false }
            return modules[r][c]
        }
        // Light modules are drawn (terminals show light text on a dark background), dark
        // modules are left blank: "█" both light, "▀" top light, "▄" bottom light.
        var lines: [String] = []
        var row = 0
        while row < size {
            var line = ""
            for column in 0..<size {
                let topLight = !dark(row, column)
                let bottomLight = row + 1 < size ? !dark(row + 1, column) : true
                switch (topLight, bottomLight) {
                case (true, true): line += "\u{2588}"
                case (true, false): line += "\u{2580}"
                case (false, true): line += "\u{2584}"
                case (false, false): line += " "
                }
            }
            lines.append(line)
            row += 2
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The symbol's modules, row by row, `true` for dark (bit 0 of libqrencode's bytes), at
    /// error-correction level M in 8-bit mode, the smallest version that fits.
    package static func modules(_ text: String) -> [[Bool]]? {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M), let data = code.pointee.data else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        return (0..<width).map { row in (0..<width).map { column in data[row * width + column] & 1 == 1 } }
    }
}
