/* What bionic's crtbegin_so.o gives a shared library, for linking without the NDK:
 * the library's own __dso_handle (so __cxa_atexit destructors registered by this library, such
 * as Rust thread-local destructors, run when it is unloaded) and a hidden atexit() bound to it. */
extern void __cxa_finalize(void *);
extern int __cxa_atexit(void (*)(void *), void *, void *);

__attribute__((visibility("hidden"))) void *__dso_handle = &__dso_handle;

__attribute__((destructor, used)) static void smsguard_on_dlclose(void) {
    __cxa_finalize(&__dso_handle);
}

__attribute__((visibility("hidden"))) int atexit(void (*func)(void)) {
    return __cxa_atexit((void (*)(void *))func, (void *)0, &__dso_handle);
}
