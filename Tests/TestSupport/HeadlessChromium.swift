import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's Chromium, headless, driven through the DevTools protocol over a pipe
/// (`--remote-debugging-pipe`: commands on fd 3, answers on fd 4, NUL-separated JSON), so tests
/// need no WebDriver and no WebSocket client. One page per instance, 360 px wide like a small phone.
public final class HeadlessChromium: Sendable {
    private let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private let pending = Mutex<[Int: CheckedContinuation<Data, any Error>]>([:])
    private let nextID = Atomic<Int>(1)
    private let session: Mutex<String?> = Mutex(nil)
    public let profile: URL

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case spawn(Int32)
        case protocolError(String)
        case timedOut(String)

        public var description: String {
            switch self {
            case .notInstalled: "chromium is not installed (scripts/install-deps installs it)"
            case .spawn(let code): "cannot start chromium: errno \(code)"
            case .protocolError(let text): "DevTools error: \(text)"
            case .timedOut(let what): "timed out waiting for \(what)"
            }
        }
    }

    public static let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Starts the browser and opens one page emulating a 360×780 phone.
    public static func launch(_ label: String = #function) async throws -> HeadlessChromium {
        guard let binary else { throw Failure.notInstalled }
        let browser = try HeadlessChromium(binary: binary, profile: try Fixtures.temporaryDirectory(label))
        let target = try await browser.call("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw Failure.protocolError("no targetId") }
        let attached = try await browser.call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let sessionID = attached["sessionId"] as? String else { throw Failure.protocolError("no sessionId") }
        browser.session.withLock { $0 = sessionID }
        _ = try await browser.page("Page.enable")
        _ = try await browser.page("Runtime.enable")
        _ = try await browser.page(
            "Emulation.setDeviceMetricsOverride",
            ["width": 360, "height": 780, "deviceScaleFactor": 2, "mobile": true])
        return browser
    }

    private init(binary: String, profile: URL) throws {
        self.profile = profile
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure.spawn(errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        let log = profile.appendingPathComponent("chromium.log").path
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let arguments = [
            binary, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--mute-audio",
            "--user-data-dir=\(profile.appendingPathComponent("profile").path)", "about:blank",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, binary, &actions, nil, &argv, environ)
        close(toBrowser[0])
        close(fromBrowser[1])
        guard status == 0 else {
            close(toBrowser[1])
            close(fromBrowser[0])
            throw Failure.spawn(status)
        }
        pid = child
        commands = toBrowser[1]
        answers = fromBrowser[0]
        let thread = Thread { [answers, weak self] in Self.readAnswers(answers) { self?.deliver($0) } }
        thread.start()
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(commands)
        close(answers)
    }

    /// Reads NUL-separated messages until the browser closes its end.
    private static func readAnswers(_ descriptor: Int32, _ handle: (Data) -> Void) {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            guard count > 0 else { return }
            buffer.append(contentsOf: chunk[0..<count])
            while let end = buffer.firstIndex(of: 0) {
                handle(buffer[buffer.startIndex..<end])
                buffer = Data(buffer[(end + 1)...])
            }
        }
    }

    private func deliver(_ message: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any],
            let id = object["id"] as? Int
        else { return }  // an event; the tests poll the page instead
        let continuation = pending.withLock { $0.removeValue(forKey: id) }
        continuation?.resume(returning: message)
    }

    /// Sends a browser-level command and returns its `result`.
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Double = 20)
        async throws -> [String: Any]
    {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        var command: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { command["sessionId"] = session }
        var bytes = try JSONSerialization.data(withJSONObject: command)
        bytes.append(0)
        let message: Data = try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0[id] = continuation }
            let written = bytes.withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            if written != bytes.count {
                pending.withLock { $0.removeValue(forKey: id) }?.resume(throwing: Failure.spawn(errno))
                return
            }
            Task {
                try? await Task.sleep(for: .seconds(timeout))
                pending.withLock { $0.removeValue(forKey: id) }?.resume(throwing: Failure.timedOut(method))
            }
        }
        let object = (try JSONSerialization.jsonObject(with: message) as? [String: Any]) ?? [:]
        if let error = object["error"] as? [String: Any] {
            throw Failure.protocolError("\(method): \(error["message"] ?? error)")
        }
        return object["result"] as? [String: Any] ?? [:]
    }

    /// Sends a command to the page.
    func page(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        try await call(method, params, session: session.withLock { $0 })
    }

    /// Evaluates `expression` in the page and returns its value (awaiting promises).
    @discardableResult
    public func evaluate(_ expression: String) async throws -> Any? {
        let result = try await page(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw Failure.protocolError("\(expression): \(exception["text"] ?? exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    public func navigate(_ url: String) async throws {
        _ = try await page("Page.navigate", ["url": url])
        try await waitUntil("document.readyState === 'complete' && location.href !== 'about:blank'")
    }

    /// Polls `condition` (a JavaScript boolean expression) until it holds.
    public func waitUntil(_ condition: String, timeout: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            // Navigation can destroy the context mid-evaluation; that is just "not yet".
            if (try? await evaluate("Boolean(\(condition))")) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure.timedOut(condition)
    }

    public var location: String { get async throws { try await evaluate("location.href") as? String ?? "" } }
    public var text: String { get async throws { try await evaluate("document.body.innerText") as? String ?? "" } }

    /// Clicks the first element matching `selector`.
    public func click(_ selector: String) async throws {
        let found = try await evaluate(
            "(function(){var e=document.querySelector(\(Self.quoted(selector)));if(!e)return false;e.click();return true})()"
        )
        guard found as? Bool == true else { throw Failure.protocolError("nothing matches \(selector)") }
    }

    /// Emulates a screen of this size (the launch default is a 360×780 phone).
    public func resize(width: Int, height: Int, mobile: Bool) async throws {
        _ = try await page(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": mobile ? 2 : 1, "mobile": mobile])
    }

    /// Types `value` into the first element matching `selector` (replacing what it held).
    public func fill(_ selector: String, _ value: String) async throws {
        let found = try await evaluate(
            "(function(){var e=document.querySelector(\(Self.quoted(selector)));if(!e)return false;e.value=\(Self.quoted(value));e.dispatchEvent(new Event('input',{bubbles:true}));return true})()"
        )
        guard found as? Bool == true else { throw Failure.protocolError("nothing matches \(selector)") }
    }

    /// Saves a PNG of the page as it is shown.
    public func screenshot(to url: URL) async throws {
        let result = try await page("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure.protocolError("no screenshot data")
        }
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text])
        return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
    }
}
