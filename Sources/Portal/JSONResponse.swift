import Foundation
import Hummingbird

/// Every JSON body the portal writes by hand (health, the operator API, the captive API): one
/// encoder setting — sorted keys, unescaped slashes, ISO 8601 dates — so the same value reads the
/// same wherever it appears.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok,
        contentType: String = "application/json; charset=utf-8", cacheControl: String = "no-store"
    ) throws -> Response {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: cacheControl],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder().encode(value))))
    }
}
