/* The bionic-only functions libsmsguard_ffi.so imports, for running it in a glibc process under
 * qemu-user (built into the shim libc.so that stands in for bionic's). The library is linked
 * BIND_NOW, so a missing one fails the dlopen and names itself. */
#include <errno.h>
#include <stdio.h>

int *__errno(void) { return &errno; }

/* No system properties here: every lookup answers "unset". */
int __system_property_get(const char *name, char *value) {
    (void)name;
    value[0] = 0;
    return 0;
}

/* liblog, should the library log: to stderr. */
int __android_log_write(int prio, const char *tag, const char *text) {
    return fprintf(stderr, "log %d %s: %s\n", prio, tag ? tag : "", text ? text : "");
}
