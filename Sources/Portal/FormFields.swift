import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body the portal's own pages post (the
/// checkout form, the console's forms, the sandbox wallet), read with Hummingbird's decoder.
/// Anything that does not decode is no fields: every handler checks the ones it needs.
enum FormFields {
    static func decode(_ body: String) -> [String: String] {
        guard !body.isEmpty else { return [:] }
        return (try? URLEncodedFormDecoder().decode([String: String].self, from: body)) ?? [:]
    }
}
