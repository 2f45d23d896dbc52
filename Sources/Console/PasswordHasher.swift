/// Turns operator passwords into slow, salted hashes and checks them. A protocol so tests can
/// use a cheaper cost; the daemon uses ``CryptPasswordHasher``.
public protocol PasswordHasher: Sendable {
    /// A self-describing hash string (method, cost and salt included).
    func hash(_ password: String) throws(ConsoleError) -> String
    /// Whether `password` matches `hash`, compared in constant time.
    func verify(_ password: String, against hash: String) -> Bool
}
