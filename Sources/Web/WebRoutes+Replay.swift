import Audit
import Foundation
import HTTPTypes
import Hummingbird
import Policy
import Recording

/// `/s/s-…` (the player) and `/s/s-…/cast` (the recording, in byte ranges or whole).
extension WebRoutes {
    static let maxRangeBytes: Int64 = 4 * 1024 * 1024

    func replayPage(_ id: String, viewer: WebViewer, web: WebRequest) async throws -> Response {
        guard Self.isIdentifier(id, prefix: "s-") else { throw WebProblem.notFound }
        try await recordRead(viewer, "/s/\(id)", filter: ["session_id": .string(id)])
        let (session, size) = try await recording(id, viewer: viewer)
        let connection = Self.text(session["connection_id"])
        let command = session["command"]?.stringValue ?? session["subsystem"]?.stringValue ?? Self.text(session["channel_type"])
        var body = "<h1>Replay of <span class=\"mono\">\(HTML.escape(id))</span></h1>"
        body += "<p>\(HTML.escape(Self.text(session["user"]))) (\(HTML.escape(Self.text(session["organization"])))) as "
            + "\(HTML.escape(Self.text(session["login"])))@\(HTML.escape(Self.text(session["target"]))), "
            + "\(Self.time(session["opened_at"])), <span class=\"mono\">\(HTML.escape(command))</span> · "
            + "connection <a href=\"/c/\(HTML.urlComponent(connection))\">\(HTML.escape(connection))</a></p>"
        body += """
            <div id="player" data-cast="/s/\(HTML.urlComponent(id))/cast" data-size="\(size)">
            <div class="controls">
            <button type="button" id="play">Play</button>
            <input type="range" id="seek" min="0" max="1" step="any" value="0">
            <span id="clock">0:00</span>
            <label>Speed <select id="speed"><option value="0.5">0.5×</option><option value="1" selected>1×</option>\
            <option value="2">2×</option><option value="4">4×</option><option value="8">8×</option></select></label>
            <label>Idle limit <select id="idle"><option value="0">none</option><option value="0.5">0.5 s</option>\
            <option value="1">1 s</option><option value="2" selected>2 s</option><option value="5">5 s</option></select></label>
            <a id="download" href="/s/\(HTML.urlComponent(id))/cast?download=1">Download .cast</a>
            <span id="status"></span>
            </div>
            <div id="terminal"></div>
            </div>
            """
        return WebResponse.html(.ok, PageLayout.page(
            title: "Replay \(id)", viewer: viewer, body: body,
            scripts: ["/static/xterm.js", "/static/replay.js"], styles: ["/static/xterm.css"]))
    }

    /// The session's row and its recording's size, if the viewer may see it and it exists.
    func recording(_ id: String, viewer: WebViewer) async throws -> (AuditRecord, Int64) {
        let scope = viewer.scope
        guard let session = try await read({ store in try store.session(id: id, scope: scope) }),
              session["recording_path"]?.stringValue != nil else { throw WebProblem.notFound }
        let path = recordingPath(session)
        let size = try await reads.run { () -> Int64 in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            return (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        }
        guard size >= 0 else { throw WebProblem.notFound }
        return (session, size)
    }

    /// The file by its conventional name under this node's recordings directory (the state
    /// directory's, or its own under `cluster.recordings`), never by a path read from the request.
    func recordingPath(_ session: AuditRecord) -> String {
        (environment.configuration().cluster?.nodeRecordingsDirectory
            ?? RecordingLocator.recordingsDirectory(stateDirectory: environment.stateDirectory)) + "/"
            + RecordingLocator.fileName(connectionID: Self.text(session["connection_id"]),
                                        sessionID: Self.text(session["session_id"]))
    }

    func cast(_ id: String, viewer: WebViewer, web: WebRequest) async throws -> Response {
        guard Self.isIdentifier(id, prefix: "s-") else { throw WebProblem.notFound }
        let (session, size) = try await recording(id, viewer: viewer)
        let path = recordingPath(session)
        if web.value("download") != nil || web.range == nil {
            try await recordRead(viewer, "/s/\(id)/cast", filter: ["session_id": .string(id), "download": .bool(true)])
            return download(path: path, size: size, name: "\(Self.text(session["connection_id"]))-\(id).cast")
        }
        guard let range = Self.byteRange(web.range ?? "", size: size) else {
            var response = WebResponse.json(.rangeNotSatisfiable, ["error": "bad range"])
            response.headers[.contentRange] = "bytes */\(size)"
            return response
        }
        let bytes = try await reads.run { () -> Data in
            guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(range.lowerBound))
            return try handle.read(upToCount: Int(range.upperBound - range.lowerBound)) ?? Data()
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-asciicast"
        headers[.cacheControl] = "no-store"
        headers[.acceptRanges] = "bytes"
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.lowerBound + Int64(bytes.count) - 1)/\(size)"
        if bytes.isEmpty { headers[.contentRange] = "bytes */\(size)" }
        return Response(status: bytes.isEmpty ? .ok : .partialContent, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `bytes=A-B` or `bytes=A-`, within the file, at most 4 MiB; nil otherwise. An empty
    /// file, or a start at its end, gives an empty range (the player's "done").
    static func byteRange(_ header: String, size: Int64) -> Range<Int64>? {
        WebInput.byteRange(header, size: size, maxBytes: maxRangeBytes)
    }

    /// The whole file, read and sent 256 KiB at a time.
    func download(path: String, size: Int64, name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-asciicast"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        headers[.cacheControl] = "no-store"
        headers[.acceptRanges] = "bytes"
        let reads = self.reads
        let body = ResponseBody(contentLength: Int(size)) { writer in
            var offset: Int64 = 0
            while offset < size {
                let start = offset
                let chunk = try await reads.run { () -> Data in
                    guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
                    defer { try? handle.close() }
                    try handle.seek(toOffset: UInt64(start))
                    return try handle.read(upToCount: Int(min(262_144, size - start))) ?? Data()
                }
                guard !chunk.isEmpty else { break }
                try await writer.write(ByteBuffer(bytes: chunk))
                offset += Int64(chunk.count)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
