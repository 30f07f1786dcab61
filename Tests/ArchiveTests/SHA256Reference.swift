// SHA-256 in one shot over a buffer, to check the store's streamed hash against.
import Crypto
import Foundation

enum SHA256Reference {
    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
}
