import CQREncode

/// A QR code symbol made by libqrencode, as a square of dark and light modules, rendered to a
/// small inline SVG for the portal (no image files, no external requests).
public struct QRCode: Sendable, Hashable {
    /// Modules per side (21 for version 1, +4 per version).
    public let size: Int
    /// Row-major, true = dark.
    public let modules: [Bool]

    /// How much damage the symbol survives; M is what banking apps expect for VietQR.
    public enum Correction: Sendable {
        case low, medium, quartile, high
        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// Why a text cannot be encoded.
    public struct EncodingError: Error, Equatable, CustomStringConvertible {
        public let length: Int
        public var description: String { "a \(length)-byte text does not fit in a QR code" }
    }

    public init(_ text: String, correction: Correction = .medium) throws(EncodingError) {
        guard !text.isEmpty, let symbol = QRcode_encodeString8bit(text, 0, correction.level) else {
            throw EncodingError(length: text.utf8.count)
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        size = width
        // Bit 0 of each byte is the module's colour; the other bits are libqrencode's bookkeeping.
        modules = (0..<width * width).map { symbol.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// An SVG with one path of dark squares and a quiet zone of 4 modules, scaled by the page.
    public func svg(title: String = "QR") -> String {
        let quiet = 4
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                var run = 1
                while column + run < size, isDark(row: row, column: column + run) { run += 1 }
                path += "M\(column + quiet) \(row + quiet)h\(run)v1h-\(run)z"
                column += run
            }
        }
        let side = size + 2 * quiet
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges" role="img" \
            aria-label="\(title)"><rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
