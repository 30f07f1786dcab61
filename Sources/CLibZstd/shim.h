// The libzstd C API, seen only by the MCAPCodec module (zstd-compressed MCAP chunks).
#ifndef HAECHI_CLIBZSTD_SHIM_H
#define HAECHI_CLIBZSTD_SHIM_H
#include <zstd.h>
#endif
