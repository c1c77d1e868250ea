import Dispatch
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Policy
import Synchronization

/// The auditors' web page: a Hummingbird HTTP/1.1 server on SwiftNIO's event loops, started
/// by `serve` when `web: {listen: …}` is configured. The SSH side never waits for it: it runs
/// on its own threads, and its store reads run on `BlockingReads`, off the loops.
package final class WebServer: Sendable {
    private let settings: WebSettings
    private let environment: WebEnvironment
    private let task = Mutex<Task<Void, Never>?>(nil)

    package init(settings: WebSettings, environment: WebEnvironment) {
        self.settings = settings
        self.environment = environment
    }

    /// Binds and starts serving; returns the bound address, or throws when the port cannot be
    /// had (a start error, like the SSH port's).
    package func start() throws -> String {
        let outcome = Mutex<Result<String, WebServerError>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let settings = self.settings
        let router = WebRoutes(environment: environment, settings: settings).makeRouter()
        var logger = environment.logger
        logger.logLevel = .warning
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(30)))
        let server: HTTPServerBuilder
        if let certificate = settings.tlsCertificate, let key = settings.tlsKey {
            server = try .tls(http1, tlsConfiguration: Self.tlsConfiguration(certificate: certificate, key: key))
        } else {
            server = http1
        }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(
                address: .hostname(settings.listen.host, port: settings.listen.port),
                serverName: "tracegate"),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? settings.listen.host):\($0.port ?? 0)" }
                    ?? settings.listen.description
                outcome.withLock { $0 = .success(address) }
                ready.signal()
            },
            logger: logger)
        let running = Task {
            do {
                try await app.run()
            } catch {
                let first = outcome.withLock { value -> Bool in
                    guard value == nil else { return false }
                    value = .failure(.cannotListen(settings.listen.description, "\(error)"))
                    return true
                }
                if first { ready.signal() }
            }
        }
        task.withLock { $0 = running }
        guard ready.wait(timeout: .now() + 20) == .success else {
            running.cancel()
            throw WebServerError.cannotListen(settings.listen.description, "the server did not start within 20 s")
        }
        switch outcome.withLock({ $0 }) {
        case .success(let address)?:
            environment.book.servingSettings = settings
            return address
        case .failure(let error)?: throw error
        case nil: throw WebServerError.cannotListen(settings.listen.description, "unknown")
        }
    }

    /// TLS 1.2 and later, with the PEM chain and key of `web.tls_cert` and `web.tls_key`.
    static func tlsConfiguration(certificate: String, key: String) throws(WebServerError) -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate)
            guard !chain.isEmpty else { throw WebServerError.badTLSFiles("\(certificate) holds no PEM certificate") }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch let error as WebServerError {
            throw error
        } catch {
            throw .badTLSFiles("cannot read web.tls_cert \(certificate) or web.tls_key \(key): \(error)")
        }
    }

    package func stop() {
        environment.book.servingSettings = nil
        task.withLock { $0?.cancel(); $0 = nil }
    }
}

package enum WebServerError: Error, CustomStringConvertible, Sendable {
    case cannotListen(String, String)
    case badTLSFiles(String)

    package var description: String {
        switch self {
        case .cannotListen(let address, let reason): "the web page cannot listen on \(address): \(reason)"
        case .badTLSFiles(let reason): "the web page cannot start TLS: \(reason)"
        }
    }
}
