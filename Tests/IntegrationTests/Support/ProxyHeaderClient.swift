import Foundation
import TestSupport

/// A hand-made "proxy": a small Python program that connects from a chosen loopback address,
/// writes a PROXY v2 header of the test's choosing (a spoofed source, LOCAL, a truncated one,
/// nothing), then relays stdin and stdout, so that a real `ssh` runs through it as its
/// ProxyCommand. The header bytes are built here, independently of the gateway's parser.
struct ProxyHeaderClient {
    enum Header: Sendable {
        /// PROXY, TCP over IPv4, naming `source:port` as the client.
        case proxy(source: String, port: Int)
        case local
        /// The first 8 bytes of the signature, then nothing more.
        case truncated
        case none
    }

    let scriptPath: String

    init(in directory: String) throws {
        scriptPath = directory + "/proxy_header_client.py"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
    }

    private static func arguments(_ header: Header) -> [String] {
        switch header {
        case .proxy(let source, let port): ["proxy", source, String(port)]
        case .local: ["local", "-", "0"]
        case .truncated: ["truncated", "-", "0"]
        case .none: ["none", "-", "0"]
        }
    }

    /// `-o ProxyCommand=…` for ssh: connect from `bind` to the gateway at 127.0.0.1:`port`.
    func sshOptions(from bind: String, to port: UInt16, header: Header) -> [String] {
        let command = (["/usr/bin/python3", scriptPath, bind, "127.0.0.1", String(port)] + Self.arguments(header))
            .joined(separator: " ")
        return ["-o", "ProxyCommand=\(command)"]
    }

    /// Connects, writes `header`, sends nothing more and waits for the gateway to close the
    /// connection; the result's stdout is the seconds it took.
    func holdOpen(from bind: String, to port: UInt16, header: Header, timeout: Duration = .seconds(20)) async throws -> ProcessResult {
        try await ProcessRunner().run("/usr/bin/python3", [scriptPath, bind, "127.0.0.1", String(port)] + Self.arguments(header)
            + ["--hold"], timeout: timeout)
    }

    private static let script = #"""
    import os, selectors, socket, struct, sys, time

    bind, host, port, mode, source, source_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
    hold = "--hold" in sys.argv[7:]
    SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
    if mode == "proxy":
        addresses = socket.inet_aton(source) + socket.inet_aton(host) + struct.pack("!HH", source_port, port)
        header = SIGNATURE + bytes([0x21, 0x11]) + struct.pack("!H", len(addresses)) + addresses
    elif mode == "local":
        header = SIGNATURE + bytes([0x20, 0x00, 0x00, 0x00])
    elif mode == "truncated":
        header = SIGNATURE[:8]
    else:
        header = b""
    connection = socket.create_connection((host, port), source_address=(bind, 0))
    started = time.monotonic()
    connection.sendall(header)
    if hold:
        connection.settimeout(30)
        try:
            while connection.recv(4096):
                pass
        except OSError:
            pass
        print(f"{time.monotonic() - started:.2f}")
        sys.exit(0)
    selector = selectors.DefaultSelector()
    selector.register(connection, selectors.EVENT_READ)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is connection:
                data = connection.recv(65536)
                if not data:
                    sys.exit(0)
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                data = os.read(sys.stdin.fileno(), 65536)
                if not data:
                    connection.shutdown(socket.SHUT_WR)
                    selector.unregister(sys.stdin.fileno())
                else:
                    connection.sendall(data)
    """#
}
