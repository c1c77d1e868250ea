/// Decides which typed bytes may go into a recording: only those the terminal echoed.
///
/// Recording every keystroke is how bastions have leaked passwords typed at `sudo` or
/// `Password:` prompts (warpgate#2536, jumpserver#14257): the terminal turns echo off, but
/// the gateway still sees the keys. The gateway cannot see the target's termios, so this
/// infers echo from the stream itself:
///
/// - Typed bytes are held back, unrecorded.
/// - Output is compared with the held keys in order (escape sequences, CR and other
///   controls in the output are skipped). When it reproduces them, the terminal echoed:
///   the keys are released for recording. They were on screen already, so recording them
///   as input exposes nothing new.
/// - When output shows something else instead (a newline after a password, the next
///   prompt), the held keys are discarded and a marker says input was hidden, once per
///   hidden stretch.
///
/// The heuristic errs toward hiding: typeahead whose echo comes after other output, or a
/// key whose echo is unpredictable followed quickly by more keys, is discarded too. Only
/// input events are lost then; the output still shows what the terminal displayed.
package struct EchoTracker: Sendable {
    package enum Action: Sendable, Equatable {
        /// Typed bytes the terminal echoed, with the time they were typed.
        case record(bytes: [UInt8], time: Double)
        /// Held bytes were thrown away unrecorded. `startsHiddenStretch` asks for the
        /// hidden-input marker: it is false while a marker already covers the stretch.
        case discard(startsHiddenStretch: Bool)
    }

    /// Units of output that can echo a key; everything else in the output is skipped.
    private enum EchoUnit: Equatable {
        case character(UInt8)
        case newline
        case backspace
    }

    /// What the output owes after a partially echoed key.
    private enum Expectation: Equatable {
        case nothing
        /// After the `\b` of an erase: maybe ` \b`.
        case eraseSpace
        case eraseBackspace
        /// After the `^` of an interrupt: its letter.
        case controlLetter(UInt8)
    }

    private struct HeldChunk: Sendable {
        var offset: Int
        var time: Double
    }

    /// Above this much unconfirmed input (a long paste with echo off), it is discarded.
    package static let defaultMaximumHeldBytes = 64 << 10

    private let maximumHeldBytes: Int
    private var held: [UInt8] = []
    private var heldChunks: [HeldChunk] = []
    /// `held[..<matched]` has been echoed; it is released at a newline or once all of
    /// `held` is echoed, never piecemeal, so that a chance match of a password's first
    /// letters against unrelated output releases nothing.
    private var matched = 0
    private var expectation = Expectation.nothing
    /// All of `held` matched and the last key was printable: released at the end of the
    /// chunk unless a printable character follows directly, which is more likely other
    /// output that happens to start with the same letters than an echo.
    private var awaitingConfirmation = false
    private var parser = ControlSequenceParser()
    /// Output was not scanned (nothing was held), so the parser's state is stale.
    private var parserIsStale = false
    private var hidden = false

    package init(maximumHeldBytes: Int = EchoTracker.defaultMaximumHeldBytes) {
        self.maximumHeldBytes = maximumHeldBytes
    }

    /// True while a hidden-input marker covers the current stretch.
    package var isHidden: Bool { hidden }

    /// Bytes typed but neither released nor discarded yet.
    package var heldByteCount: Int { held.count }

    /// The engineer typed `bytes`.
    package mutating func typed(_ bytes: [UInt8], at time: Double) -> [Action] {
        guard !bytes.isEmpty else { return [] }
        heldChunks.append(HeldChunk(offset: held.count, time: time))
        held.append(contentsOf: bytes)
        guard held.count > maximumHeldBytes else { return [] }
        return [discardHeld()]
    }

    /// The terminal displayed `bytes`.
    package mutating func displayed(_ bytes: UnsafeRawBufferPointer) -> [Action] {
        guard !held.isEmpty else {
            parserIsStale = true
            return []
        }
        if parserIsStale {
            parser.reset()
            parserIsStale = false
        }
        var actions: [Action] = []
        for byte in bytes {
            guard let token = parser.consume(UInt32(byte)) else { continue }
            let unit: EchoUnit
            switch token {
            case .text(let code): unit = .character(UInt8(truncatingIfNeeded: code))
            case .control(0x0A): unit = .newline
            case .control(0x08): unit = .backspace
            case .control, .csi, .escape, .controlString:
                if awaitingConfirmation { release(upTo: held.count, into: &actions) }
                continue
            }
            observe(unit, into: &actions)
            if held.isEmpty {
                // The rest of the chunk cannot echo anything; skip it.
                parserIsStale = true
                break
            }
        }
        if awaitingConfirmation { release(upTo: held.count, into: &actions) }
        return actions
    }

    /// The session ended: what was never echoed is discarded.
    package mutating func finish() -> [Action] {
        guard !held.isEmpty else { return [] }
        return [discardHeld()]
    }

    /// Output or input was lost (a recording gap): the comparison cannot continue, so the
    /// held keys are discarded without a marker (the gap marker explains the loss).
    package mutating func reset() -> [Action] {
        parser.reset()
        parserIsStale = false
        guard !held.isEmpty else { return [] }
        clearHeld()
        return [.discard(startsHiddenStretch: false)]
    }

    private mutating func observe(_ unit: EchoUnit, into actions: inout [Action]) {
        if awaitingConfirmation {
            if case .character = unit {
                actions.append(discardHeld())
                return
            }
            release(upTo: held.count, into: &actions)
            return
        }
        switch expectation {
        case .nothing:
            break
        case .eraseSpace:
            expectation = .nothing
            if unit == .character(0x20) {
                expectation = .eraseBackspace
                return
            }
        case .eraseBackspace:
            expectation = .nothing
            if unit == .backspace { return }
            // The space was not part of the erase's echo after all: match it as typed text.
            observe(.character(0x20), into: &actions)
            if !held.isEmpty { observe(unit, into: &actions) }
            return
        case .controlLetter(let letter):
            expectation = .nothing
            if unit == .character(letter) { return }
        }
        match(unit, into: &actions)
    }

    private mutating func match(_ unit: EchoUnit, into actions: inout [Action]) {
        while matched < held.count {
            guard let (key, length) = InputKey.parse(held, at: matched) else {
                // An escape sequence still being typed: nothing to compare with yet.
                return
            }
            switch key {
            case .printable(let byte):
                guard unit == .character(byte) else {
                    actions.append(discardHeld())
                    return
                }
                matched += length
                if matched == held.count { awaitingConfirmation = true }
                return
            case .newline:
                guard unit == .newline else {
                    actions.append(discardHeld())
                    return
                }
                matched += length
                release(upTo: matched, into: &actions)
                return
            case .erase:
                matched += length
                if unit == .backspace {
                    expectation = .eraseSpace
                    releaseIfComplete(into: &actions)
                    return
                }
            case .interrupt(let letter):
                matched += length
                if unit == .character(UInt8(ascii: "^")) {
                    expectation = .controlLetter(letter)
                    releaseIfComplete(into: &actions)
                    return
                }
            case .opaque:
                matched += length
            }
        }
        // Keys that echo nothing predictable completed the match; this unit is other output.
        releaseIfComplete(into: &actions)
    }

    private mutating func releaseIfComplete(into actions: inout [Action]) {
        if matched == held.count && !held.isEmpty { release(upTo: matched, into: &actions) }
    }

    private mutating func release(upTo end: Int, into actions: inout [Action]) {
        awaitingConfirmation = false
        guard end > 0 else { return }
        let bytes = Array(held[..<end])
        let time = heldChunks.first?.time ?? 0
        // A chunk released in part keeps its time for the part still held.
        var remaining: [HeldChunk] = []
        for (index, chunk) in heldChunks.enumerated() {
            let chunkEnd = index + 1 < heldChunks.count ? heldChunks[index + 1].offset : held.count
            if chunkEnd <= end { continue }
            remaining.append(HeldChunk(offset: max(0, chunk.offset - end), time: chunk.time))
        }
        heldChunks = remaining
        held.removeFirst(end)
        matched -= end
        if held.isEmpty { expectation = .nothing }
        if bytes.contains(where: Self.isPrintable) { hidden = false }
        actions.append(.record(bytes: bytes, time: time))
    }

    /// Discarding only control keys (an Enter nobody saw) reveals nothing about a secret,
    /// so it neither starts a hidden stretch nor asks for a marker.
    private mutating func discardHeld() -> Action {
        let secretLost = held.contains(where: Self.isPrintable)
        clearHeld()
        let starts = secretLost && !hidden
        if secretLost { hidden = true }
        return .discard(startsHiddenStretch: starts)
    }

    private static func isPrintable(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte != 0x7F
    }

    private mutating func clearHeld() {
        held.removeAll(keepingCapacity: true)
        heldChunks.removeAll()
        matched = 0
        expectation = .nothing
        awaitingConfirmation = false
    }
}
