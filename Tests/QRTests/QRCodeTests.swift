import Foundation
import QR
import TestSupport
import Testing

@Suite struct QRCodeTests {
    /// A real VietQR payload (a public library's test vector, docs/PROVIDERS.md §3) must come back out of a standard reader.
    static let vietQR = "00020101021138540010A00000072701240006970423011001234567890208QRIBFTTA53037045802VN6304F64B"

    @Test func aShortTextFitsVersionOne() throws {
        let code = try QRCode("WF7K2Q", correction: .medium)
        #expect(code.size == 21)
        // The three finder patterns: dark corners with a light separator beside them.
        #expect(code.isDark(row: 0, column: 0) && code.isDark(row: 0, column: 20) && code.isDark(row: 20, column: 0))
        #expect(!code.isDark(row: 7, column: 7))
    }

    @Test func svgIsSelfContainedAndSmall() throws {
        let svg = try QRCode(Self.vietQR).svg(title: "VietQR")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(!svg.contains("href"))
        #expect(svg.utf8.count < 12_000, "\(svg.utf8.count) bytes")
    }

    @Test func aStandardReaderDecodesWhatWeEncode() async throws {
        let code = try QRCode(Self.vietQR)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "qr-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let image = directory.appendingPathComponent("code.pbm")
        try Self.pbm(code, scale: 4).write(to: image, atomically: true, encoding: .ascii)

        let (status, decoded) = try await SpawnedProcess.run(
            "/usr/bin/zbarimg", ["--quiet", "--raw", image.path], discardingErrors: true)
        #expect(status == 0)
        #expect(decoded.trimmingCharacters(in: .newlines) == Self.vietQR)
    }

    @Test func emptyTextIsRefused() {
        #expect(throws: QRCode.EncodingError.self) { try QRCode("") }
        #expect(throws: QRCode.EncodingError.self) { try QRCode(String(repeating: "x", count: 4000)) }
    }

    /// Plain PBM (P1) with a 4-module quiet zone, each module `scale` pixels wide.
    static func pbm(_ code: QRCode, scale: Int) -> String {
        let side = (code.size + 8) * scale
        var lines = ["P1", "\(side) \(side)"]
        for y in 0..<side {
            let row = y / scale - 4
            lines.append(
                (0..<side).map { x in
                    let column = x / scale - 4
                    let inside = (0..<code.size).contains(row) && (0..<code.size).contains(column)
                    return inside && code.isDark(row: row, column: column) ? "1" : "0"
                }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
