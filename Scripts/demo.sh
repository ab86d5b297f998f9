#!/usr/bin/env bash
# `make demo`: the default lab (Mocks/labs/default.yaml: a real PostgreSQL in a temporary
# directory, mock AWS, a mock RDS endpoint verifying IAM tokens against the mock IAM) and
# `dbtunnel proxy db` with the lab's credentials. Runs one query through the tunnel, prints the
# psql command, keeps the tunnel in the foreground until Ctrl+C, then stops everything it
# started and removes its directory. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."
DBTUNNEL=${DBTUNNEL:-$PWD/.build/debug/dbtunnel}
LAB=${LAB:-Mocks/labs/default.yaml}

work=$(mktemp -d /tmp/dbtunnel-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$DBTUNNEL" lab down --state-dir "$work/lab" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "stopping"; exit 0' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}

echo "== dbtunnel lab up $LAB"
"$DBTUNNEL" lab up "$LAB" --state-dir "$work/lab" >"$work/lab.env"
grep -v '^export AWS_SECRET' "$work/lab.env" | sed 's/^/   /'
# shellcheck disable=SC1091
source "$work/lab.env"

echo "== starting the tunnel as alice (credentials from the lab's environment)"
tunnel_port=$(free_port)
host=${DBTUNNEL_LAB_MYDB_CONNECT_TO%%:*}
"$DBTUNNEL" proxy db --protocol postgres --uri "$host:5432" --connect-to "$DBTUNNEL_LAB_MYDB_CONNECT_TO" \
  --ca-file "$DBTUNNEL_LAB_CA" --db-user alice --port "$tunnel_port" >"$work/tunnel.log" 2>&1 &
tunnel_pid=$!
pids+=($tunnel_pid)
wait_for "$work/tunnel.log" "Started DB proxy" 30

echo "== one query through the tunnel (psql → 127.0.0.1:$tunnel_port → TLS + IAM token → mock RDS → PostgreSQL)"
psql -X "host=127.0.0.1 port=$tunnel_port user=alice dbname=postgres sslmode=disable" \
  -c "select current_user, inet_server_port() as backend_port, version()"

cat <<EOT

The tunnel is running. In another terminal:

  psql "host=127.0.0.1 port=$tunnel_port user=alice dbname=postgres sslmode=disable"

Ctrl+C here stops the tunnel and the lab, and removes $work.
Tunnel log follows.
EOT
tail -n +1 -f "$work/tunnel.log" &
pids+=($!)
wait "$tunnel_pid"
