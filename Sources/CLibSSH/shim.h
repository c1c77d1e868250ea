// The one C header Swift sees for libssh. Macros and function-like macros do not
// import into Swift, so the few we need are wrapped here as static inline functions.
#ifndef TRACEGATE_CLIBSSH_SHIM_H
#define TRACEGATE_CLIBSSH_SHIM_H

#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>
#include <poll.h>

// ssh_callbacks_init is a macro that sets `size`; a zero size makes libssh treat
// every callback as absent, silently.
static inline void tg_init_server_callbacks(struct ssh_server_callbacks_struct *cb) {
    ssh_callbacks_init(cb);
}
static inline void tg_init_channel_callbacks(struct ssh_channel_callbacks_struct *cb) {
    ssh_callbacks_init(cb);
}
static inline void tg_init_session_callbacks(struct ssh_callbacks_struct *cb) {
    ssh_callbacks_init(cb);
}

// LIBSSH_VERSION_INT of the headers the SSH module was compiled against (a macro).
static inline int tg_libssh_header_version(void) {
    return LIBSSH_VERSION_INT;
}

// 1 when libssh reads a streaming socket in one go (scripts/libssh-patches/
// socket-read-size.patch; scripts/build-libssh.sh writes the header that says so beside
// libssh's), 0 on a libssh that reads 4 KiB per poll (Debian 12's 0.10.6).
#if __has_include(<tracegate-libssh-patches.h>)
#include <tracegate-libssh-patches.h>
#endif
static inline int tg_libssh_reads_whole_packets(void) {
#ifdef TRACEGATE_LIBSSH_READS_WHOLE_PACKETS
    return 1;
#else
    return 0;
#endif
}

// 1 when libssh takes EAGAIN from a socket as "not ready yet"
// (scripts/libssh-patches/socket-would-block.patch), 0 on a libssh for which EAGAIN breaks
// the connection (Debian 12's 0.10.6).
static inline int tg_libssh_tolerates_would_block(void) {
#ifdef TRACEGATE_LIBSSH_TOLERATES_WOULD_BLOCK
    return 1;
#else
    return 0;
#endif
}

#endif
