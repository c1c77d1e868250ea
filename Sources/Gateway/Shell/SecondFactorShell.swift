import Audit
import Foundation
import OneTimeCode
import Policy

/// What a gateway-shell command answers: its text and exit status, or a question whose
/// answer (the next line typed) goes to `dialog`.
enum ShellReply {
    case done(String, Int)
    case asks(String, any ShellDialog)
}

/// A command waiting for one more line (the confirmation code of `mfa enroll`).
protocol ShellDialog: AnyObject {
    func answer(_ line: String) -> (text: String, status: Int)
}

/// `mfa status` and `mfa enroll` in the gateway's shell (issue 13).
///
/// Enrolment is self-service but never self-authorised: it works only inside a window an
/// operator opened with `tracegate mfa reset USER` (a stolen key must not enrol its own
/// factor), and the secret is stored only once the first code from it is right.
struct SecondFactorShell {
    let context: ConnectionContext
    let settings: GatewaySettings
    let store: any SecondFactorStore
    let journal: ConnectionJournal

    func run(_ arguments: [String]) -> ShellReply {
        switch arguments.first ?? "" {
        case "status": return .done(status, 0)
        case "enroll", "enrol": return enrol()
        default: return .done("usage: mfa status | mfa enroll\n", 2)
        }
    }

    private var status: String {
        guard let user = context.user else { return "unknown\n" }
        var lines: [String] = []
        do {
            if let enrolment = try store.enrolment(of: user.name) {
                lines.append("\(user.name) is enrolled since \(Self.stamp(enrolment.enrolledAt)); last code \(enrolment.lastUsedAt.map(Self.stamp) ?? "never").")
            } else {
                lines.append("\(user.name) is not enrolled.")
                if let window = try store.enrolmentWindow(of: user.name, at: Date()) {
                    lines.append("Enrolment is open until \(Self.stamp(window.closesAt)): run `mfa enroll` from a terminal (ssh -t).")
                }
            }
        } catch {
            lines.append("tracegate: the second-factor state cannot be read now")
        }
        lines.append(settings.policy.requiresSecondFactor(user)
            ? "The policy requires a verification code of \(user.name) (mfa: required)."
            : "The policy asks for a code only where a grant says require_mfa.")
        if let outcome = context.secondFactor { lines.append("This connection: mfa=\(outcome.auditText).") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func enrol() -> ShellReply {
        guard let user = context.user else { return .done("unknown user\n", 1) }
        let window: EnrolmentWindow?
        do {
            window = try store.enrolmentWindow(of: user.name, at: Date())
        } catch {
            journal.secondFactorEnrolment(context, enrolled: false, reason: "second-factor store unavailable")
            return .done("tracegate: enrolment is not possible now; try again later\n", 1)
        }
        guard window != nil else {
            journal.secondFactorEnrolment(context, enrolled: false, reason: "no enrolment window open")
            return .done(
                "tracegate: enrolment is closed for \(user.name); an operator opens it with `tracegate mfa reset \(user.name)` on the gateway host\n",
                1)
        }
        let secret = TOTP.makeSecret()
        let uri = OTPAuthURI.make(issuer: "Tracegate", account: user.name, secret: secret)
        var text = "Scan this QR code with an authenticator app (or add the otpauth:// URI below by hand).\n\n"
        text += TerminalQRCode.render(uri) ?? ""
        text += "\n\(uri)\n\nVerification code from the app: "
        return .asks(text, EnrolmentDialog(user: user.name, secret: secret, shell: self))
    }

    fileprivate func confirm(user: String, secret: [UInt8], code: String) -> (text: String, status: Int) {
        let now = Date()
        guard let step = TOTP(secret: secret).matchingStep(of: code, at: now) else {
            journal.secondFactorEnrolment(context, enrolled: false, reason: "wrong confirmation code")
            return ("tracegate: that code is not right; nothing was stored. Run mfa enroll again.\n", 1)
        }
        do {
            guard try store.enrol(user, secret: secret, confirmedStep: step, at: now) else {
                journal.secondFactorEnrolment(context, enrolled: false, reason: "the enrolment window closed")
                return ("tracegate: the enrolment window has closed; nothing was stored\n", 1)
            }
        } catch {
            journal.secondFactorEnrolment(context, enrolled: false, reason: "second-factor store unavailable")
            return ("tracegate: the factor could not be stored; try again later\n", 1)
        }
        journal.secondFactorEnrolment(context, enrolled: true)
        return ("Enrolled. From now on the gateway asks for a code from this app where the policy requires one.\n", 0)
    }

    static func stamp(_ date: Date) -> String {
        AuditTimestamp(secondsSinceEpoch: date.timeIntervalSince1970).iso8601Seconds
    }
}

/// Holds the new secret only in memory, for the one line that confirms it.
private final class EnrolmentDialog: ShellDialog {
    private let user: String
    private var secret: [UInt8]
    private let shell: SecondFactorShell

    init(user: String, secret: [UInt8], shell: SecondFactorShell) {
        self.user = user
        self.secret = secret
        self.shell = shell
    }

    func answer(_ line: String) -> (text: String, status: Int) {
        defer { secret = [] }
        return shell.confirm(user: user, secret: secret, code: line.trimmingCharacters(in: .whitespaces))
    }
}
