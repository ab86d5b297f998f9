// MariaDB Connector/C, the MySQL client API (Debian's libmariadb-dev puts it under
// /usr/include/mariadb; pkg-config libmariadb supplies that path).
#include <mysql.h>
