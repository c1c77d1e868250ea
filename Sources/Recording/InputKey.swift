/// One key the engineer typed, as far as its echo is concerned.
///
/// A terminal echoes keys differently: a printable byte comes back as itself, Enter as a
/// newline, an erase key as `\b \b` or `\b` plus an erase sequence, ^C as `^C`, and keys
/// such as Tab or the arrows as output nobody can predict (completion, history, redraw).
enum InputKey: Equatable {
    /// Echoed as the same byte. Bytes of a UTF-8 character are matched one by one.
    case printable(UInt8)
    /// Enter (CR, LF or CR LF): echoed as a newline.
    case newline
    /// DEL or BS: echoed as a backspace, or not at all when there is nothing to erase.
    case erase
    /// ^C, ^Z, ^\: echoed as `^` + letter when the terminal echoes controls, else nothing.
    case interrupt(letter: UInt8)
    /// Tab, arrows, function keys, other controls: their echo cannot be predicted, so
    /// they match no output at all.
    case opaque

    /// Parses the key that starts at `index`; `nil` when an escape sequence is still
    /// incomplete and the rest of it may come with the next chunk of input.
    static func parse(_ bytes: [UInt8], at index: Int) -> (key: InputKey, length: Int)? {
        let byte = bytes[index]
        switch byte {
        case 0x0D:
            let followedByLineFeed = index + 1 < bytes.count && bytes[index + 1] == 0x0A
            return (.newline, followedByLineFeed ? 2 : 1)
        case 0x0A:
            return (.newline, 1)
        case 0x7F, 0x08:
            return (.erase, 1)
        case 0x03:
            return (.interrupt(letter: UInt8(ascii: "C")), 1)
        case 0x1A:
            return (.interrupt(letter: UInt8(ascii: "Z")), 1)
        case 0x1C:
            return (.interrupt(letter: UInt8(ascii: "\\")), 1)
        case 0x1B:
            return parseEscape(bytes, at: index)
        case 0x00...0x1F:
            return (.opaque, 1)
        default:
            return (.printable(byte), 1)
        }
    }

    /// Arrow and function keys (`ESC [ … final`, `ESC O x`), bracketed-paste brackets, and
    /// Alt+key (`ESC x`).
    private static func parseEscape(_ bytes: [UInt8], at index: Int) -> (key: InputKey, length: Int)? {
        guard index + 1 < bytes.count else { return nil }
        switch bytes[index + 1] {
        case UInt8(ascii: "["):
            var end = index + 2
            while end < bytes.count {
                switch bytes[end] {
                case 0x20...0x3F: end += 1
                case 0x40...0x7E: return (.opaque, end - index + 1)
                default: return (.opaque, end - index)
                }
            }
            return nil
        case UInt8(ascii: "O"):
            return index + 2 < bytes.count ? (.opaque, 3) : nil
        case 0x1B:
            return (.opaque, 1)
        default:
            return (.opaque, 2)
        }
    }
}
