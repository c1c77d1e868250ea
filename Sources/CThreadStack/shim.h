// The calling thread's stack bounds, for ThreadStack (Gateway/Service). glibc declares
// pthread_getattr_np only under _GNU_SOURCE, which Swift's Glibc module is not built with;
// the declaration below is glibc's own.
#include <pthread.h>
#include <stddef.h>

extern int pthread_getattr_np(pthread_t thread, pthread_attr_t *attr);

/// The lowest address and the size of the calling thread's stack; 0 on success.
static inline int tracegate_thread_stack(void **lowest, size_t *size) {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) {
        return -1;
    }
    int result = pthread_attr_getstack(&attributes, lowest, size);
    pthread_attr_destroy(&attributes);
    return result;
}
