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

#endif
