/* bionic's crtend_so.o only ends the sections crtbegin_so.o opens; nothing is needed on arm64 or
 * x86_64, but clang's Android driver links the object, so it must exist. */
typedef int smsguard_crtend_so_is_empty;
