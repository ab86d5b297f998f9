#!/usr/bin/env bash
# `make demo`: a real PostgreSQL in a temporary directory, a mock RDS endpoint in front of it
# (lab CA, IAM token verification), and `dbtunnel proxy db` with demo credentials. Runs one
# query through the tunnel, prints the psql command, then keeps the tunnel in the foreground
# until Ctrl+C and removes everything it started. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."
DBTUNNEL=${DBTUNNEL:-$PWD/.build/debug/dbtunnel}
HOST=mydb.abcdefghijkl.us-east-1.rds.amazonaws.com

work=$(mktemp -d /tmp/dbtunnel-demo.XXXXXX)
chmod 755 "$work"
pids=()
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL server binaries not found; run 'make deps'" >&2; exit 1; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$work/data/postmaster.pid" ] && as_postgres "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "stopping"; exit 0' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}

echo "== starting PostgreSQL (temporary, 127.0.0.1 only)"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work"; fi
as_postgres "$bindir/initdb" -D "$work/data" -A trust -U postgres --no-sync >/dev/null
pg_port=$(free_port)
as_postgres "$bindir/pg_ctl" -D "$work/data" -l "$work/postgres.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work" start >/dev/null
psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "create role alice login" postgres

export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_SESSION_TOKEN AWS_PROFILE

echo "== starting the mock RDS endpoint $HOST"
"$DBTUNNEL" lab endpoint --hostname "$HOST" --backend-port "$pg_port" --ca-out "$work/lab-ca.pem" >"$work/endpoint.log" 2>&1 &
pids+=($!)
wait_for "$work/endpoint.log" "listening on 127.0.0.1:" 30
endpoint_port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/endpoint.log")

echo "== starting the tunnel"
tunnel_port=$(free_port)
"$DBTUNNEL" proxy db --protocol postgres --uri "$HOST:5432" --connect-to "$HOST:5432:127.0.0.1:$endpoint_port" \
  --ca-file "$work/lab-ca.pem" --db-user alice --port "$tunnel_port" >"$work/tunnel.log" 2>&1 &
tunnel_pid=$!
pids+=($tunnel_pid)
wait_for "$work/tunnel.log" "Started DB proxy" 30

echo "== one query through the tunnel (psql → 127.0.0.1:$tunnel_port → TLS + IAM token → mock RDS → PostgreSQL)"
psql -X "host=127.0.0.1 port=$tunnel_port user=alice dbname=postgres sslmode=disable" \
  -c "select current_user, inet_server_port() as backend_port, version()"

cat <<EOT

The tunnel is running. In another terminal:

  psql "host=127.0.0.1 port=$tunnel_port user=alice dbname=postgres sslmode=disable"

Ctrl+C here stops the tunnel, the mock endpoint and PostgreSQL, and removes $work.
Tunnel log follows.
EOT
tail -n +1 -f "$work/tunnel.log" &
pids+=($!)
wait "$tunnel_pid"
