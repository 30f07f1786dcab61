// printf's fixed-point formatting without a va_list, for the outputs' text (CoT XML).
#ifndef HAECHI_CLIBCFORMAT_SHIM_H
#define HAECHI_CLIBCFORMAT_SHIM_H

#include <stdio.h>

/// Writes `value` as printf's `%.<decimals>f` (the binary value correctly rounded, as glibc does) into
/// `buffer` of `size` bytes. Returns the length the text needs, as snprintf does.
/// Swift calls C's variadic functions only through `withVaList`, whose argument boxing and dynamic
/// casts cost more than the formatting itself on the decode thread.
static inline int haechi_format_fixed(char *buffer, size_t size, int decimals, double value) {
    return snprintf(buffer, size, "%.*f", decimals, value);
}

#endif
