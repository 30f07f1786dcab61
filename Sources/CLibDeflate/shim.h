// libdeflate's libdeflate_crc32, seen only by the MCAPCodec module (the CRC-32 of MCAP chunks, data section and summary).
#ifndef HAECHI_CLIBDEFLATE_SHIM_H
#define HAECHI_CLIBDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
