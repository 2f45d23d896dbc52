import Foundation
import Hummingbird

/// Every JSON body the portal writes by hand (health, the operator API, the captive API): one
/// encoder setting — sorted keys, unescaped slashes, ISO 8601 dates — so the same value reads the
/// same wherever it appears.
enum JSONResponse {
    /// How property names become JSON keys.
    enum Keys {
        /// As the Swift names (or the type's own `CodingKeys`): the guest pages' script and
        /// RFC 8908's hyphenated keys.
        case asNamed
        /// `orderCode` → `order_code`: the operator API and the CLI's `--json`, so their types
        /// need no hand-written `CodingKeys`.
        case snakeCase
    }

    static func encoder(keys: Keys = .asNamed) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        if keys == .snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return encoder
    }

    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, keys: Keys = .asNamed,
        contentType: String = "application/json; charset=utf-8", cacheControl: String = "no-store"
    ) throws -> Response {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: cacheControl],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder(keys: keys).encode(value))))
    }
}
