/// Builds SFTP v3 packets the way OpenSSH's client and server write them.
final class SFTPPacket {
    private(set) var bytes: [UInt8] = []

    init(_ type: UInt8, id: UInt32? = nil) {
        bytes.append(type)
        if let id { uint32(id) }
    }

    @discardableResult func uint32(_ value: UInt32) -> SFTPPacket {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        return self
    }

    @discardableResult func uint64(_ value: UInt64) -> SFTPPacket {
        uint32(UInt32(value >> 32))
        return uint32(UInt32(value & 0xFFFF_FFFF))
    }

    @discardableResult func string(_ value: [UInt8]) -> SFTPPacket {
        uint32(UInt32(value.count))
        bytes += value
        return self
    }

    @discardableResult func string(_ value: String) -> SFTPPacket { string(Array(value.utf8)) }

    var framed: [UInt8] {
        let length = SFTPPacket(0)
        length.bytes = []
        length.uint32(UInt32(bytes.count))
        return length.bytes + bytes
    }

    static func open(id: UInt32, path: String, flags: UInt32) -> [UInt8] {
        let packet = SFTPPacket(3, id: id)
        packet.string(path).uint32(flags).uint32(0)
        return packet.framed
    }

    static func handle(id: UInt32, _ handle: [UInt8]) -> [UInt8] {
        let packet = SFTPPacket(102, id: id)
        packet.string(handle)
        return packet.framed
    }

    static func write(id: UInt32, handle: [UInt8], offset: UInt64, data: [UInt8]) -> [UInt8] {
        let packet = SFTPPacket(6, id: id)
        packet.string(handle).uint64(offset).string(data)
        return packet.framed
    }

    static func read(id: UInt32, handle: [UInt8], offset: UInt64, length: UInt32) -> [UInt8] {
        let packet = SFTPPacket(5, id: id)
        packet.string(handle).uint64(offset).uint32(length)
        return packet.framed
    }

    static func data(id: UInt32, _ data: [UInt8]) -> [UInt8] {
        let packet = SFTPPacket(103, id: id)
        packet.string(data)
        return packet.framed
    }

    static func status(id: UInt32, code: UInt32, message: String = "") -> [UInt8] {
        let packet = SFTPPacket(101, id: id)
        packet.uint32(code).string(message).string("")
        return packet.framed
    }

    static func close(id: UInt32, handle: [UInt8]) -> [UInt8] {
        let packet = SFTPPacket(4, id: id)
        packet.string(handle)
        return packet.framed
    }

    static func pathRequest(_ type: UInt8, id: UInt32, _ paths: String...) -> [UInt8] {
        let packet = SFTPPacket(type, id: id)
        for path in paths { packet.string(path) }
        return packet.framed
    }

    static let initialize: [UInt8] = { var packet = SFTPPacket(1); packet.uint32(3); return packet.framed }()
    static let version: [UInt8] = { var packet = SFTPPacket(2); packet.uint32(3); return packet.framed }()
}
