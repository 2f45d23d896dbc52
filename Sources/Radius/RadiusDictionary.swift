internal import CFreeRADIUS
import Synchronization

/// The RADIUS dictionary libfreeradius encodes and decodes with: Debian's
/// `/usr/share/freeradius/dictionary` (which includes MikroTik's). libfreeradius keeps it in
/// global state, so it is loaded once per process, before the first packet.
public enum RadiusDictionary {
    public static let defaultDirectory = "/usr/share/freeradius"

    /// Why the dictionary cannot be loaded; the daemon cannot speak RADIUS without it.
    public struct LoadError: Error, CustomStringConvertible {
        public let directory: String
        public let message: String
        public var description: String {
            "cannot load the RADIUS dictionary from \(directory): \(message) (install freeradius-common)"
        }
    }

    private static let state = Mutex<String?>(nil)

    /// Loads the dictionary once; later calls return at once (and fail the same way).
    public static func load(directory: String = defaultDirectory) throws(LoadError) {
        let result: String? = state.withLock { loaded in
            if let loaded { return loaded.isEmpty ? nil : loaded }
            if dict_init(directory, "dictionary") < 0 {
                loaded = String(cString: fr_strerror())
            } else {
                loaded = ""
            }
            return loaded!.isEmpty ? nil : loaded
        }
        if let result { throw LoadError(directory: directory, message: result) }
    }
}
