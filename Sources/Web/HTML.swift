/// Text made safe for HTML: every page is built from escaped pieces, no template engine.
struct HTML: Sendable {
    var text: String

    init(raw text: String) { self.text = text }

    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters from recorded terminals are shown, not interpreted.
                if character.value < 0x20 && character != "\n" && character != "\t" {
                    out += "\\u{\(String(character.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(character)
                }
            }
        }
        return out
    }

    /// A query string component: unreserved characters stay, the rest is percent-encoded.
    static func urlComponent(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}

/// The frame around every page: navigation, who is signed in, and the shared stylesheet.
enum PageLayout {
    static func page(title: String, viewer: WebViewer?, body: String, scripts: [String] = [], styles: [String] = [],
                     metaRefresh: String? = nil) -> String {
        var head = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · Tracegate</title>
            <link rel="stylesheet" href="/static/style.css">

            """
        if let metaRefresh { head += "<meta http-equiv=\"refresh\" content=\"0;url=\(HTML.escape(metaRefresh))\">\n" }
        for style in styles { head += "<link rel=\"stylesheet\" href=\"\(style)\">\n" }
        for script in scripts { head += "<script src=\"\(script)\" defer></script>\n" }
        var nav = "<header><a class=\"brand\" href=\"/connections\">Tracegate audit</a>"
        if let viewer {
            nav += """
                <nav><a href="/connections">Connections</a><a href="/sessions">Sessions</a><a href="/files">Files</a><a href="/approvals">Approvals</a><a href="/reviews">Reviews</a><a href="/live">Live</a><a href="/timeline">Timeline</a><a href="/search">Search</a></nav>
                <form class="signout" method="post" action="/signout"><span id="viewer">\(HTML.escape(viewer.user.name)) \
                (\(HTML.escape(viewer.user.organization))) sees \(HTML.escape(viewer.summary))</span> \
                <button type="submit">Sign out</button></form>
                """
        }
        nav += "</header>"
        return head + "</head><body>" + nav + "<main>" + body + "</main></body></html>\n"
    }

    static func message(title: String, text: String, viewer: WebViewer?) -> String {
        page(title: title, viewer: viewer, body: "<h1>\(HTML.escape(title))</h1><p class=\"message\">\(HTML.escape(text))</p>")
    }
}
