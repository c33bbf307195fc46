import Foundation
import GatewayServer
import NIOCore
import Testing

@Suite("Expect: 100-continue", .serialized)
struct ExpectContinueTests {
    /// Reads from a socket until `marker` appears or 10 s pass.
    func read(_ socket: Int32, until marker: String) -> String {
        var received = Data()
        let deadline = Date().addingTimeInterval(10)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !String(decoding: received, as: UTF8.self).contains(marker) {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 200) > 0 else { continue }
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }

    @Test("the gateway answers 100 Continue before the body is sent, then takes the batch")
    func continueBeforeBody() async throws {
        let harness = try await GatewayTestHarness { $0.server.port = 0 }
        defer { harness.remove() }
        let body = Data(try GatewayTestHarness.sample("zj-mining", "push-20241112-0001.xml").readableBytesView)
        try await harness.serve { port in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(connected == 0)
            let head =
                "POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer token-zj-mining\r\nContent-Type: application/xml\r\n"
                + "Content-Length: \(body.count)\r\nExpect: 100-continue\r\n\r\n"
            _ = head.withCString { send(fd, $0, strlen($0), 0) }
            let interim = read(fd, until: "\r\n\r\n")
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue"))
            _ = body.withUnsafeBytes { send(fd, $0.baseAddress, body.count, 0) }
            let final = read(fd, until: "\"sourceSystem\"")
            #expect(final.contains("HTTP/1.1 201"))
        }
    }
}
