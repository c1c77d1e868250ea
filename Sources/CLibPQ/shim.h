// Debian's libpq (libpq-dev): the PostgreSQL client library the cluster store speaks through.
// Only the ClusterStore module imports this; no libpq type leaves it.
#include <libpq-fe.h>
