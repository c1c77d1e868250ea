/// Splits a terminal stream into printable characters, control characters and escape
/// sequences, keeping its state across chunks (a sequence is often cut in two).
///
/// It follows the VT500 parser's shape (ground, escape, CSI, control strings) closely
/// enough for what Tracegate needs: the echo tracker must skip sequences when comparing
/// output with typed keys, and the text extractor must apply cursor movement and drop the
/// rest. It works on code points, so it serves raw bytes (each byte ≥ 0x80 counts as text)
/// and decoded Unicode scalars alike.
package struct ControlSequenceParser: Sendable {
    package enum Token: Sendable, Equatable {
        case text(UInt32)
        /// A C0 control or DEL, outside or inside a sequence (terminals execute both).
        case control(UInt32)
        case csi(CSISequence)
        /// `ESC` + optional intermediates + final: charset selections (`ESC ( B`), index,
        /// reverse index, reset and the like.
        case escape(intermediates: [UInt32], final: UInt32)
        /// OSC (titles, hyperlinks), DCS, SOS, PM, APC: complete and ignored.
        case controlString
    }

    private enum State: Sendable {
        case ground
        case escape
        case escapeIntermediate
        case csi
        case controlString
        case controlStringEscape
    }

    private static let escapeByte: UInt32 = 0x1B
    private static let cancel: UInt32 = 0x18
    private static let substitute: UInt32 = 0x1A
    /// A hostile stream must not grow the parser's memory.
    private static let maximumParameters = 16
    private static let maximumParameterValue = 65_535

    private var state = State.ground
    private var parameters: [Int] = []
    private var currentParameter: Int?
    private var privateMarker: UInt32?
    private var intermediates: [UInt32] = []

    package init() {}

    /// True between sequences: a caller that skipped part of a stream can tell whether
    /// the next character is text.
    package var isInGround: Bool {
        if case .ground = state { return true }
        return false
    }

    package mutating func reset() {
        state = .ground
        clearSequence()
    }

    /// Feeds one code point; returns a token when one completes.
    package mutating func consume(_ code: UInt32) -> Token? {
        switch state {
        case .ground:
            if code == Self.escapeByte {
                enterEscape()
                return nil
            }
            return Self.isControl(code) ? .control(code) : .text(code)

        case .escape:
            switch code {
            case UInt32(UInt8(ascii: "[")):
                state = .csi
                return nil
            case UInt32(UInt8(ascii: "]")), UInt32(UInt8(ascii: "P")), UInt32(UInt8(ascii: "X")),
                 UInt32(UInt8(ascii: "^")), UInt32(UInt8(ascii: "_")):
                state = .controlString
                return nil
            case 0x20...0x2F:
                intermediates.append(code)
                state = .escapeIntermediate
                return nil
            case 0x30...0x7E:
                state = .ground
                return .escape(intermediates: [], final: code)
            default:
                return interruption(code)
            }

        case .escapeIntermediate:
            switch code {
            case 0x20...0x2F:
                if intermediates.count < Self.maximumParameters { intermediates.append(code) }
                return nil
            case 0x30...0x7E:
                state = .ground
                return .escape(intermediates: intermediates, final: code)
            default:
                return interruption(code)
            }

        case .csi:
            switch code {
            case 0x30...0x39:
                let digit = Int(code - 0x30)
                currentParameter = min((currentParameter ?? 0) * 10 + digit, Self.maximumParameterValue)
                return nil
            case 0x3A, 0x3B:
                pushParameter()
                return nil
            case 0x3C...0x3F:
                if parameters.isEmpty && currentParameter == nil && privateMarker == nil { privateMarker = code }
                return nil
            case 0x20...0x2F:
                if intermediates.count < Self.maximumParameters { intermediates.append(code) }
                return nil
            case 0x40...0x7E:
                if currentParameter != nil || !parameters.isEmpty { pushParameter() }
                let sequence = CSISequence(parameters: parameters, privateMarker: privateMarker,
                                           intermediates: intermediates, final: code)
                state = .ground
                return .csi(sequence)
            default:
                return interruption(code)
            }

        case .controlString:
            switch code {
            case 0x07:
                state = .ground
                return .controlString
            case Self.escapeByte:
                state = .controlStringEscape
                return nil
            case Self.cancel, Self.substitute:
                state = .ground
                return nil
            default:
                return nil
            }

        case .controlStringEscape:
            if code == UInt32(UInt8(ascii: "\\")) {
                state = .ground
                return .controlString
            }
            // An ESC that is not the string terminator ends the string and starts a sequence.
            enterEscape()
            return consume(code)
        }
    }

    /// What a C0 control, ESC, CAN, SUB, DEL or a non-ASCII character does in the middle
    /// of a sequence.
    private mutating func interruption(_ code: UInt32) -> Token? {
        switch code {
        case Self.escapeByte:
            enterEscape()
            return nil
        case Self.cancel, Self.substitute:
            state = .ground
            return nil
        case 0x00...0x1F:
            return .control(code)
        case 0x7F:
            return nil  // DEL is ignored everywhere, as terminals do
        default:
            // A character that no sequence can contain ends a malformed one, and is shown,
            // rather than letting the parser swallow the text that follows.
            state = .ground
            return .text(code)
        }
    }

    private mutating func enterEscape() {
        state = .escape
        clearSequence()
    }

    private mutating func clearSequence() {
        parameters.removeAll(keepingCapacity: true)
        currentParameter = nil
        privateMarker = nil
        intermediates.removeAll(keepingCapacity: true)
    }

    private mutating func pushParameter() {
        if parameters.count < Self.maximumParameters { parameters.append(currentParameter ?? 0) }
        currentParameter = nil
    }

    private static func isControl(_ code: UInt32) -> Bool {
        code < 0x20 || code == 0x7F
    }
}

/// A complete Control Sequence Introducer sequence, e.g. `ESC [ 1 ; 31 m`.
package struct CSISequence: Sendable, Equatable {
    /// Empty parameters are 0, as terminals read them.
    package var parameters: [Int]
    /// `?` in `ESC [ ? 1049 h`.
    package var privateMarker: UInt32?
    package var intermediates: [UInt32]
    package var final: UInt32

    package var finalCharacter: Character { Character(Unicode.Scalar(UInt8(truncatingIfNeeded: final))) }

    /// The parameter at `index`, with VT defaulting: missing or 0 means `defaultValue`.
    package func parameter(_ index: Int, default defaultValue: Int) -> Int {
        guard index < parameters.count, parameters[index] != 0 else { return defaultValue }
        return parameters[index]
    }
}
