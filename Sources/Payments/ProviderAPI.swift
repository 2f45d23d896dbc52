import HotspotPayCore
import Logging

/// JSON calls to one provider's API with its timeout, typed errors and logging, shared by the
/// providers so that each only says what it sends and how to read the answer.
struct ProviderAPI: Sendable {
    let provider: ProviderID
    let http: any ProviderHTTPClient
    let timeoutSeconds: Int64
    let logger: Logger

    /// Sends `body` (compact JSON) and returns the JSON answer of a 2xx response.
    func json(
        _ method: String, _ url: String, operation: String, body: JSONValue? = nil, headers: [String: String] = [:],
        idempotent: Bool
    ) async throws(ProviderError) -> JSONValue {
        var allHeaders = headers
        allHeaders["accept"] = "application/json"
        if body != nil { allHeaders["content-type"] = "application/json; charset=utf-8" }
        let request = ProviderHTTPRequest(
            method: method, url: url, headers: allHeaders, body: body.map { Array($0.sortedJSON.utf8) },
            timeoutSeconds: timeoutSeconds, idempotent: idempotent)
        let response: ProviderHTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            let failure: ProviderError =
                switch error {
                case .timeout: .timeout(provider: provider, operation: operation, seconds: timeoutSeconds)
                case .transport(let message): .transport(provider: provider, operation: operation, message: message)
                }
            logger.error("provider call failed", metadata: ["provider": "\(provider)", "error": "\(failure)"])
            throw failure
        }
        let text = String(decoding: response.body.prefix(2048), as: UTF8.self)
        guard (200..<300).contains(response.status) else {
            let failure = ProviderError.httpStatus(
                provider: provider, operation: operation, status: response.status, body: text)
            logger.error("provider call failed", metadata: ["provider": "\(provider)", "error": "\(failure)"])
            throw failure
        }
        guard let json = JSONValue.parse(response.body, limit: AsyncHTTPProviderClient.maximumResponseSize),
            case .object = json
        else {
            throw badResponse(operation, "not a JSON object: \(text.prefix(200))")
        }
        return json
    }

    /// Logs and returns a refusal carrying the provider's code and message.
    func refused(_ operation: String, code: String, message: String) -> ProviderError {
        let failure = ProviderError.refused(provider: provider, operation: operation, code: code, message: message)
        logger.warning("provider refused", metadata: ["provider": "\(provider)", "error": "\(failure)"])
        return failure
    }

    func badResponse(_ operation: String, _ message: String) -> ProviderError {
        let failure = ProviderError.badResponse(provider: provider, operation: operation, message: message)
        logger.error("provider answer unreadable", metadata: ["provider": "\(provider)", "error": "\(failure)"])
        return failure
    }
}
