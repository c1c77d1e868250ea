import Foundation
import HTTPTypes
import Hummingbird

/// Responses, with the headers every one of them needs (the security headers are added by
/// `WebGuard` to all, including errors).
enum WebResponse {
    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "private, max-age=300"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A picture drawn for this viewer: never cached.
    static func svg(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "image/svg+xml"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }
}

/// On every request: bounds (URI length, no request bodies), refusal of cross-site requests
/// that change state, and the security headers on every answer, errors included.
struct WebGuard: RouterMiddleware {
    typealias Context = WebRequestContext
    let secure: Bool

    static let maxURIBytes = 4096

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if request.uri.string.utf8.count > Self.maxURIBytes {
            response = WebResponse.text(.uriTooLong, "The address is too long.\n")
        } else if let length = request.headers[.contentLength], length != "0" {
            // Nothing here takes a body: the page is read-only and sign-out posts an empty form.
            response = WebResponse.text(.contentTooLarge, "This page takes no request body.\n")
        } else if request.headers[.transferEncoding] != nil {
            response = WebResponse.text(.contentTooLarge, "This page takes no request body.\n")
        } else if request.method != .get && request.method != .head && request.method != .post {
            response = WebResponse.text(.methodNotAllowed, "Method not allowed.\n")
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
                response = WebResponse.html(error.status, PageLayout.message(
                    title: "Not found", text: "No such page, or not one you may see.", viewer: nil))
            } catch {
                response = WebResponse.html(.internalServerError, PageLayout.message(
                    title: "Error", text: "The request failed.", viewer: nil))
            }
        }
        let path = request.uri.path
        // xterm.js 3's DOM renderer sets its sizes in a <style> element it creates: the replay
        // page alone allows inline styles; scripts are never inline anywhere.
        let styles = path.hasPrefix("/s/") ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'"
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; \(styles); img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if secure { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}
