// The liblz4 frame API, seen only by the MCAPCodec module (lz4-compressed MCAP chunks).
#ifndef HAECHI_CLIBLZ4_SHIM_H
#define HAECHI_CLIBLZ4_SHIM_H
#include <lz4frame.h>
#endif
