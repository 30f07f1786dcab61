// libpq, PostgreSQL's own client library, seen only by the Archive module. Debian puts its headers in
// /usr/include/postgresql; including them by that path needs no pkg-config flags.
#ifndef HAECHI_CLIBPQ_SHIM_H
#define HAECHI_CLIBPQ_SHIM_H

#include <postgresql/libpq-fe.h>

#endif
