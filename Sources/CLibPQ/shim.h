// libpq's client API (Debian's libpq-dev puts it under /usr/include/postgresql; pkg-config
// supplies that path).
#include <libpq-fe.h>
