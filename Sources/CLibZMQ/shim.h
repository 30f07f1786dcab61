// The libzmq C API, seen only by the ZeroMQ module.
#ifndef HAECHI_CLIBZMQ_SHIM_H
#define HAECHI_CLIBZMQ_SHIM_H
#include <zmq.h>
#include <errno.h>
#endif
