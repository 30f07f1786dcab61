// zlib's crc32_z, seen only by the MCAPCodec module (the CRC-32 of MCAP chunks, data section and summary).
#ifndef HAECHI_CLIBZ_SHIM_H
#define HAECHI_CLIBZ_SHIM_H
#include <zlib.h>
#endif
