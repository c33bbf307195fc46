import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Raw loopback sockets for the transport-error tests.
enum LoopbackSockets {
    /// A loopback port nothing listens on: bound, read, and closed again.
    static func closedPort() throws -> Int {
        let fd = try boundSocket()
        let port = try localPort(fd)
        close(fd)
        return port
    }

    /// A listener whose accept queue is full and never drained: Linux then drops further SYNs, so a new connection
    /// hangs in connect until the client's connect timeout.
    final class BlackHole: Sendable {
        let port: Int
        private let listener: Int32
        private let filler: Int32

        init() throws {
            listener = try LoopbackSockets.boundSocket()
            guard listen(listener, 0) == 0 else { throw SocketError(operation: "listen") }
            port = try LoopbackSockets.localPort(listener)
            // Backlog 0 still queues one connection: fill it.
            filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = LoopbackSockets.loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw SocketError(operation: "connect") }
        }

        deinit {
            close(filler)
            close(listener)
        }
    }

    struct SocketError: Error {
        var operation: String
    }

    fileprivate static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    fileprivate static func boundSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket") }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw SocketError(operation: "bind") }
        return fd
    }

    fileprivate static func localPort(_ fd: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw SocketError(operation: "getsockname") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
