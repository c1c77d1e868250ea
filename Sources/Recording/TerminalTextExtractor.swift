/// Rebuilds the plain lines a terminal showed, for full-text search and `replay --cat`.
///
/// Escape sequences are dropped (colours, titles, charset selections) and horizontal
/// cursor movement is applied, so a progress bar redrawn with `\r` leaves only its last
/// state and a line edited with backspace or readline's `ESC [ P` reads as it finally
/// looked. There is no screen grid: a vertical move or a clear starts a new line, which
/// keeps full-screen programs searchable without emulating them.
package struct TerminalTextExtractor: Sendable {
    private var parser = ControlSequenceParser()
    private var cells: [Character] = []
    private var column = 0
    private var completed: [String] = []
    /// A note was just inserted: a newline on the empty line after it adds nothing.
    private var afterNote = false

    /// The right half of a double-width character: it takes a column, not a character.
    private static let continuation: Character = "\u{0}"
    private static let tabWidth = 8
    /// A hostile `ESC [ 65535 C` must not allocate a huge line.
    private static let maximumColumns = 4096

    package init() {}

    /// Completed lines not yet taken, then the current line if it has text.
    package var lines: [String] {
        let current = render()
        return current.isEmpty ? completed : completed + [current]
    }

    package mutating func feed(_ text: String) {
        for scalar in text.unicodeScalars {
            guard let token = parser.consume(scalar.value) else { continue }
            apply(token)
        }
    }

    /// Removes and returns the lines completed so far, for a caller that indexes text as a
    /// session runs and must not keep all of it in memory.
    package mutating func takeCompletedLines() -> [String] {
        defer { completed.removeAll() }
        return completed
    }

    /// Ends the text: the current line, if it has any, becomes a completed line.
    package mutating func finish() {
        if !render().isEmpty { commit() }
        cells.removeAll()
        column = 0
    }

    /// Inserts a line of its own (a recorder's marker, shown by `replay --cat`); the line
    /// being written continues on the next line.
    package mutating func insertNote(_ note: String) {
        if !render().isEmpty { commit() }
        cells.removeAll()
        column = 0
        completed.append(note)
        afterNote = true
    }

    private mutating func apply(_ token: ControlSequenceParser.Token) {
        switch token {
        case .text(let code):
            // C1 controls arrive as scalars U+0080...U+009F; no terminal shows them.
            guard !(0x80...0x9F).contains(code), let scalar = Unicode.Scalar(code) else { return }
            put(scalar)
        case .control(let code):
            applyControl(code)
        case .csi(let sequence):
            applyCSI(sequence)
        case .escape(let intermediates, let final):
            guard intermediates.isEmpty else { return }  // charset selections and the like
            switch final {
            case UInt32(UInt8(ascii: "E")): newline()
            case UInt32(UInt8(ascii: "D")), UInt32(UInt8(ascii: "M")), UInt32(UInt8(ascii: "c")): breakLine(column: 0)
            default: break
            }
        case .controlString:
            break
        }
    }

    private mutating func applyControl(_ code: UInt32) {
        switch code {
        case 0x0A, 0x0B, 0x0C:
            newline()
        case 0x0D:
            column = 0
        case 0x08:
            column = max(0, column - 1)
        case 0x09:
            column = min(Self.maximumColumns, (column / Self.tabWidth + 1) * Self.tabWidth)
        default:
            break
        }
    }

    private mutating func applyCSI(_ sequence: CSISequence) {
        guard sequence.privateMarker == nil, sequence.intermediates.isEmpty else { return }
        let count = sequence.parameter(0, default: 1)
        switch sequence.finalCharacter {
        case "C", "a":
            column = min(Self.maximumColumns, column + count)
        case "D":
            column = max(0, column - count)
        case "G", "`":
            column = min(Self.maximumColumns, count - 1)
        case "K":
            eraseInLine(mode: sequence.parameter(0, default: 0))
        case "P":
            if column < cells.count { cells.removeSubrange(column..<min(cells.count, column + count)) }
        case "@":
            if column < cells.count {
                cells.insert(contentsOf: repeatElement(" ", count: min(count, Self.maximumColumns)), at: column)
                if cells.count > Self.maximumColumns { cells.removeLast(cells.count - Self.maximumColumns) }
            }
        case "X":
            for index in column..<min(cells.count, column + count) { cells[index] = " " }
        case "H", "f":
            breakLine(column: sequence.parameter(1, default: 1) - 1)
        case "A", "B", "E", "F", "d", "J", "L", "M", "S", "T":
            breakLine(column: sequence.finalCharacter == "E" || sequence.finalCharacter == "F" ? 0 : column)
        default:
            break  // colours, modes, scroll regions, reports
        }
    }

    private mutating func eraseInLine(mode: Int) {
        switch mode {
        case 0:
            if column < cells.count { cells.removeSubrange(column...) }
        case 1:
            for index in 0..<min(cells.count, column + 1) { cells[index] = " " }
        default:
            cells.removeAll()
        }
    }

    private mutating func put(_ scalar: Unicode.Scalar) {
        // ASCII, nearly all of most output, is one column and never a mark: the Unicode
        // property lookups (most of this type's cost on bulk output) are for the rest.
        let ascii = scalar.value < 0x80
        if !ascii, Self.isCombining(scalar) {
            // A combining mark joins the character before the cursor.
            // Arbitrary bytes can put a mark after something it does not combine with (a
            // control picture, another cluster): then it is dropped, never a crash.
            if let index = (0..<min(column, cells.count)).last(where: { cells[$0] != Self.continuation }) {
                let combined = String(cells[index]) + String(scalar)
                if combined.count == 1, let character = combined.first { cells[index] = character }
            }
            return
        }
        afterNote = false
        let width = !ascii && Self.isWide(scalar) ? 2 : 1
        guard column + width <= Self.maximumColumns else { return }
        while cells.count < column { cells.append(" ") }
        for offset in 0..<width { blankWideCharacter(at: column + offset) }
        let character = Character(scalar)
        if column < cells.count { cells[column] = character } else { cells.append(character) }
        if width == 2 {
            if column + 1 < cells.count { cells[column + 1] = Self.continuation } else { cells.append(Self.continuation) }
        }
        column += width
    }

    /// Writing over either half of a double-width character erases all of it, leaving a
    /// blank in the half that is not overwritten, as terminals do.
    private mutating func blankWideCharacter(at index: Int) {
        guard index < cells.count else { return }
        if cells[index] == Self.continuation, index > 0 {
            cells[index - 1] = " "
            cells[index] = " "
        } else if index + 1 < cells.count, cells[index + 1] == Self.continuation {
            cells[index + 1] = " "
        }
    }

    private mutating func newline() {
        if afterNote && render().isEmpty {
            afterNote = false
            column = 0
            return
        }
        commit()
        cells.removeAll(keepingCapacity: true)
        column = 0
    }

    /// A vertical move: the line so far is complete if it has text; blank lines made by
    /// cursor addressing are not text.
    private mutating func breakLine(column newColumn: Int) {
        if !render().isEmpty { commit() }
        cells.removeAll(keepingCapacity: true)
        column = max(0, min(Self.maximumColumns, newColumn))
    }

    private mutating func commit() {
        completed.append(render())
        afterNote = false
    }

    private func render() -> String {
        var text = ""
        for cell in cells where cell != Self.continuation { text.append(cell) }
        while text.last == " " { text.removeLast() }
        return text
    }

    private static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: true
        default: scalar.value == 0x200D || (0xFE00...0xFE0F).contains(scalar.value)
        }
    }

    /// East Asian wide and fullwidth ranges and emoji, which terminals draw two columns
    /// wide; programs move the cursor by two for them.
    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }
}
