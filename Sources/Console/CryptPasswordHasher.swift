import CCrypt
import Glibc
import HotspotPayCore

/// Passwords hashed with yescrypt through the system's libxcrypt, the same method and library
/// Debian uses for `/etc/shadow`: memory-hard, salted, and the hash string carries its own
/// parameters, so raising the cost later still verifies old hashes.
public struct CryptPasswordHasher: PasswordHasher {
    /// libxcrypt's cost for yescrypt (1–11); 5 is its default, about 20–40 ms on this class of machine.
    public let cost: Int

    public init(cost: Int = 5) { self.cost = cost }

    public func hash(_ password: String) throws(ConsoleError) -> String {
        guard !password.utf8.contains(0) else { throw .invalid([.init(field: "password", message: "contains a NUL")]) }
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        // A nil random buffer makes libxcrypt draw the salt from the kernel (getrandom).
        guard crypt_gensalt_rn("$y$", UInt(cost), nil, 0, &setting, Int32(setting.count)) != nil else {
            throw .unavailable("libcrypt cannot make a yescrypt salt (errno \(errno))")
        }
        guard let hashed = Self.crypt(password, setting: setting), !hashed.hasPrefix("*") else {
            throw .unavailable("libcrypt cannot hash with yescrypt")
        }
        return hashed
    }

    public func verify(_ password: String, against hash: String) -> Bool {
        guard !password.utf8.contains(0), hash.hasPrefix("$") else { return false }
        guard let computed = Self.crypt(password, setting: Array(hash.utf8CString)) else { return false }
        return ConstantTime.equal(Array(computed.utf8), Array(hash.utf8))
    }

    /// crypt_rn with its 32 KiB work area on the heap.
    private static func crypt(_ password: String, setting: [CChar]) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        data.initialize(to: crypt_data())
        let size = Int32(MemoryLayout<crypt_data>.size)
        return password.withCString { phrase in
            setting.withUnsafeBufferPointer { setting in
                guard let result = crypt_rn(phrase, setting.baseAddress, data, size) else { return nil }
                return String(cString: result)
            }
        }
    }
}
