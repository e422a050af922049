#pragma once
#include <stddef.h>

/// Bytes glibc's malloc has handed out and not taken back (arena in use + mmapped chunks);
/// 0 where mallinfo2 does not exist. Linux only: used by smsguard-memprobe.
size_t smsguard_heap_in_use(void);
