internal import CLibSSH

/// A private key with an OpenSSH certificate attached, made for one upstream login and
/// freed with it. Owned by one connection thread.
package final class CertifiedKey {
    let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        ssh_key_free(handle)
    }
}
