import Crypto
import Foundation
import HotspotPayCore
import Synchronization

/// Message-Authenticator (RFC 3579, HMAC-MD5) and Response Authenticator (RFC 2865, MD5) for
/// the Access-Request path, computed with swift-crypto.
///
/// libfreeradius computes the same values, but through OpenSSL 3, which looks the algorithm
/// up and builds a fresh context for every HMAC: on this path that was an eighth of the time
/// spent per Access-Request (BENCHMARKS.md, RADIUS). Everything else (accounting, CoA) still
/// goes through libfreeradius's `rad_verify`/`rad_sign`, and the tests check our values
/// against radclient and FreeRADIUS.
enum RadiusAuthenticators {
    static let messageAuthenticatorType: UInt8 = 80
    private static let vector = 4..<20

    /// Where the Message-Authenticator's 16-byte value starts, if the packet has one. The
    /// attribute list must already be known to be well formed (`rad_packet_ok`).
    static func messageAuthenticatorOffset(_ bytes: UnsafeBufferPointer<UInt8>, length: Int) -> Int? {
        var offset = RadiusPacketHeader.minimumLength
        while offset + 2 <= length {
            let attributeLength = Int(bytes[offset + 1])
            if bytes[offset] == messageAuthenticatorType && attributeLength == 18 && offset + 18 <= length {
                return offset + 2
            }
            guard attributeLength >= 2 else { return nil }
            offset += attributeLength
        }
        return nil
    }

    /// True when the Access-Request has no Message-Authenticator (`offset` nil, as found by
    /// ``messageAuthenticatorOffset(_:length:)``), or one that matches `secret` (HMAC-MD5 over
    /// the packet with the attribute's value zeroed; the request authenticator stays as sent).
    static func accessRequestIsGenuine(
        _ bytes: [UInt8], length: Int, messageAuthenticatorAt offset: Int?, secret: String
    )
        -> Bool
    {
        guard let offset else { return true }
        var copy = Array(bytes[0..<length])
        let received = Array(copy[offset..<offset + 16])
        for index in offset..<offset + 16 { copy[index] = 0 }
        var hmac = hmac(secret)
        hmac.update(data: copy)
        let expected = Array(hmac.finalize())
        return ConstantTime.equal(received, expected)
    }

    /// Signs an encoded reply in place: the request's authenticator goes in the header, the
    /// Message-Authenticator (if the reply has one) is the HMAC-MD5 of that, and the Response
    /// Authenticator is MD5(code, id, length, request authenticator, attributes, secret).
    static func signResponse(_ data: UnsafeMutableBufferPointer<UInt8>, requestAuthenticator: [UInt8], secret: String) {
        for (index, byte) in zip(vector, requestAuthenticator) { data[index] = byte }
        let length = data.count
        if let offset = messageAuthenticatorOffset(UnsafeBufferPointer(data), length: length) {
            for index in offset..<offset + 16 { data[index] = 0 }
            var hmac = hmac(secret)
            hmac.update(data: UnsafeRawBufferPointer(data))
            hmac.finalize().withUnsafeBytes { mac in
                for index in 0..<16 { data[offset + index] = mac[index] }
            }
        }
        var md5 = Insecure.MD5()
        md5.update(bufferPointer: UnsafeRawBufferPointer(data))
        md5.update(data: Array(secret.utf8))
        md5.finalize().withUnsafeBytes { digest in
            for index in 0..<16 { data[vector.lowerBound + index] = digest[index] }
        }
    }

    /// HMAC-MD5 keyed with `secret`, ready for data: keying hashes two padded blocks, so each
    /// router's keyed state is made once and copied per packet (a copy is independent).
    private static func hmac(_ secret: String) -> HMAC<Insecure.MD5> {
        if let keyed = keyedBySecret.withLock({ $0[secret] }) { return keyed }
        let keyed = HMAC<Insecure.MD5>(key: SymmetricKey(data: Array(secret.utf8)))
        keyedBySecret.withLock { cache in
            // Secrets change rarely; a bound keeps a stream of bogus ones from growing it.
            if cache.count >= 1_024 { cache.removeAll() }
            cache[secret] = keyed
        }
        return keyed
    }

    private static let keyedBySecret = Mutex<[String: HMAC<Insecure.MD5>]>([:])
}
