import Foundation
import HotspotPayCore
import Mustache

/// The guest pages' templates (`portal/templates/*.mustache`) and texts (`portal/i18n/<lang>.json`),
/// loaded once at start so that a broken file stops the daemon with its name instead of
/// showing guests a blank page.
public struct PortalPages: Sendable {
    let library: MustacheLibrary
    let texts: [Language: [String: String]]
    /// `mikrotik/login.html` as shipped, with its ``routerLoginPlaceholder``.
    let routerLoginPage: String?

    /// What `mikrotik/login.html` says where the portal's public URL goes.
    static let routerLoginPlaceholder = "HOTSPOTPAY_PORTAL_URL"

    /// The pages every portal needs.
    public static let requiredTemplates = [
        "head", "foot", "style", "status", "plans", "pay", "done", "closed", "message",
    ]

    /// Why the portal folder cannot be used.
    public enum LoadError: Error, CustomStringConvertible {
        case missingFolder(searched: [String])
        case template(file: String, problem: String)
        case texts(file: String, problem: String)

        public var description: String {
            switch self {
            case .missingFolder(let searched):
                "no portal folder (templates/ and i18n/) found; looked in \(searched.joined(separator: ", ")). Set http.portal_dir or HOTSPOTPAY_PORTAL_DIR"
            case .template(let file, let problem): "portal template \(file): \(problem)"
            case .texts(let file, let problem): "portal texts \(file): \(problem)"
            }
        }
    }

    /// Loads `directory` (the folder holding `templates/` and `i18n/`); `required` names the
    /// templates that must be there (the guest pages by default).
    public static func load(directory: String, required: [String] = requiredTemplates) async throws(LoadError)
        -> PortalPages
    {
        let templates = directory + "/templates"
        let library: MustacheLibrary
        do { library = try await MustacheLibrary(directory: templates) } catch let error as MustacheLibrary.ParserError
        {
            throw .template(
                file: error.filename,
                problem: "\(error.error) at line \(error.context.lineNumber), column \(error.context.columnNumber)")
        } catch { throw .template(file: templates, problem: "\(error)") }
        for name in required where library.getTemplate(named: name) == nil {
            throw .template(file: "\(templates)/\(name).mustache", problem: "missing")
        }
        var texts: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let file = "\(directory)/i18n/\(language.rawValue).json"
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .texts(file: file, problem: "cannot be read")
            }
            do { texts[language] = try JSONDecoder().decode([String: String].self, from: data) } catch {
                throw .texts(file: file, problem: "expected one JSON object of strings: \(error)")
            }
        }
        let vi = Set(texts[.vi]?.keys ?? [:].keys)
        for language in Language.allCases where language != .vi {
            let missing = vi.symmetricDifference(texts[language]?.keys ?? [:].keys)
            if !missing.isEmpty {
                throw .texts(
                    file: "\(directory)/i18n/\(language.rawValue).json",
                    problem: "keys differ from vi.json: \(missing.sorted().joined(separator: ", "))")
            }
        }
        let routerLoginPage = FileManager.default.contents(atPath: directory + "/mikrotik/login.html").flatMap {
            String(data: $0, encoding: .utf8)
        }
        return PortalPages(library: library, texts: texts, routerLoginPage: routerLoginPage)
    }

    /// Where the portal folder is: the configured folder, `$HOTSPOTPAY_PORTAL_DIR`, the installed
    /// share folder beside the binary, the working directory, then this source checkout.
    public static func locate(configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(LoadError) -> String
    {
        var candidates: [String] = []
        if let configured { candidates.append(configured) }
        if let fromEnvironment = environment["HOTSPOTPAY_PORTAL_DIR"] { candidates.append(fromEnvironment) }
        if configured == nil, environment["HOTSPOTPAY_PORTAL_DIR"] == nil {
            let binary = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            candidates.append(
                binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                    "share/hotspotpay/portal"
                ).path)
            candidates.append("/usr/share/hotspotpay/portal")
            candidates.append(FileManager.default.currentDirectoryPath + "/portal")
            // Sources/Portal/PortalPages.swift → the checkout's portal/ folder (development builds).
            candidates.append(
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().appendingPathComponent("portal").path)
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate + "/templates", isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                return candidate
            }
        }
        throw .missingFolder(searched: candidates)
    }

    /// The router's `login.html` pointing at `publicURL`.
    func routerLoginPage(publicURL: String) -> String? {
        routerLoginPage?.replacingOccurrences(of: Self.routerLoginPlaceholder, with: publicURL)
    }

    /// One text in `language` (the key itself when missing, which the load check prevents).
    func text(_ key: String, _ language: Language) -> String { texts[language]?[key] ?? key }

    /// Renders `template` with `values` plus the language's texts as `t` and the language switch.
    func render(_ template: String, language: Language, switchURL: String, values: [String: Any]) -> String {
        var context = values
        context["lang"] = language.rawValue
        context["otherLang"] = language.other.rawValue
        context["t"] = texts[language] ?? [:]
        context["switchURL"] = switchURL
        return library.render(context, withTemplate: template) ?? ""
    }
}

extension Language {
    /// The language the switch on every page offers.
    var other: Language { self == .vi ? .en : .vi }
}
