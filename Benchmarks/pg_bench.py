#!/usr/bin/env python3
"""PostgreSQL through dbtunnel, against direct TLS and stunnel, on one real server.

One PostgreSQL (temporary directory, 127.0.0.1, ssl=on with a fresh self-signed P-256
certificate for DNS:localhost, pg_hba: hostssl trust, plain host reject) pinned to CPU 1 — the
database host. Three paths to it, every one ending in TLS to PostgreSQL:

  direct TLS  libpq sslmode=require straight to the server;
  stunnel     stunnel4 client mode (protocol = pgsql, chain and host verified), clients sslmode=disable;
  dbtunnel    `dbtunnel proxy db` (verify-full against the certificate), clients sslmode=disable.

The clients (pgbench, psql, this script), stunnel and dbtunnel are pinned to CPU 0 — the app host.
The server trusts, so it never asks dbtunnel for the IAM token: this measures the tunnel itself.

Workloads, interleaved (each round runs every path once per workload, the order of the paths
rotating from round to round), medians over the rounds:
  pgbench -S -c 1 -j 1     TPS and average latency;
  pgbench -S -c 16 -j 2    TPS;
  pgbench -S -C -c 4 -j 2  TPS with a new connection per transaction = connection rate;
  psql \\copy (select repeat('x', 1000) from generate_series(1, N)) to /dev/null, repeated for the
                           run's duration → MB/s of COPY text (1,001 bytes a row).
Then memory: VmRSS of dbtunnel and of stunnel with 1,000 idle connections (raw sockets, each past
the StartupMessage to ReadyForQuery).

Environment: BENCH_PG_ROUNDS (5), BENCH_PG_SECONDS (5), BENCH_PG_COPY_ROWS (200000),
BENCH_PG_IDLE_CONNECTIONS (1000), DBTUNNEL (default .build/release/dbtunnel), STUNNEL
(default stunnel4). Writes bench-results/postgres.md. Everything it starts is stopped on exit,
Ctrl+C or SIGTERM, and its temporary directory removed.
"""
import concurrent.futures
import datetime
import glob
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROUNDS = int(os.environ.get("BENCH_PG_ROUNDS", "5"))
SECONDS = int(os.environ.get("BENCH_PG_SECONDS", "5"))
COPY_ROWS = int(os.environ.get("BENCH_PG_COPY_ROWS", "200000"))
IDLE_CONNECTIONS = int(os.environ.get("BENCH_PG_IDLE_CONNECTIONS", "1000"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DBTUNNEL = os.environ.get("DBTUNNEL", os.path.join(ROOT, ".build", "release", "dbtunnel"))
STUNNEL = os.environ.get("STUNNEL", shutil.which("stunnel4") or "/usr/bin/stunnel4")
CLIENT_CPU, SERVER_CPU = 0, 1
COPY_ROW_BYTES = 1001  # 1,000 × 'x' and a newline
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
PATHS = ["direct TLS", "stunnel", "dbtunnel"]
GOAL_TPS_VS_DIRECT, GOAL_COPY_VS_DIRECT, GOAL_RSS_MB = 0.95, 0.90, 150.0


class BenchError(Exception):
    pass


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """True when something listens on 127.0.0.1:port (from /proc/net/tcp, without connecting)."""
    wanted = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as handle:
        return any(line.split()[1] == wanted and line.split()[3] == "0A" for line in list(handle)[1:])


def wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise BenchError(f"timed out after {seconds}s waiting for {what}")


def memory_kb(pid):
    """(VmRSS, VmHWM) in kB."""
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def mb(kb):
    return kb * 1024 / 1e6


def gone(pid):
    """True when pid has exited (a zombie waiting for its parent counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def pinned(cpu, command):
    return ["taskset", "-c", str(cpu), *command]


class Bench:
    def __init__(self):
        self.work = None
        self.bindir = None
        self.processes = {}  # name -> Popen (stunnel, dbtunnel)
        self.postmaster_pid = None
        self.sockets = []
        self.pg_port = self.stunnel_port = self.tunnel_port = None
        self.cleaning = False

    # ---------------------------------------------------------------- helpers

    def as_postgres(self, command):
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def client_env(self, path):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        port = {"direct TLS": self.pg_port, "stunnel": self.stunnel_port, "dbtunnel": self.tunnel_port}[path]
        env.update(
            PGHOST="127.0.0.1", PGPORT=str(port), PGUSER="postgres", PGDATABASE="postgres",
            PGSSLMODE="require" if path == "direct TLS" else "disable", PGGSSENCMODE="disable",
            PGCONNECT_TIMEOUT="10", PGAPPNAME="pg_bench",
        )
        return env

    def psql(self, sql, timeout=60):
        out = subprocess.run(
            pinned(CLIENT_CPU, ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]),
            env=self.client_env("direct TLS"), capture_output=True, text=True, timeout=timeout,
        )
        if out.returncode != 0:
            raise BenchError(f"psql {sql!r} failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def client_backends(self):
        return int(self.psql(
            "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()"))

    # ---------------------------------------------------------------- setup

    def start_postgres(self):
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                            key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
        if not candidates:
            raise BenchError("PostgreSQL server binaries not found under /usr/lib/postgresql; run 'make deps'")
        self.bindir = os.path.dirname(candidates[-1])
        self.work = tempfile.mkdtemp(prefix="dbtunnel-pgbench.")
        os.chmod(self.work, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.work, "postgres", "postgres")
        cert, key = os.path.join(self.work, "cert.pem"), os.path.join(self.work, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost"],
            check=True, capture_output=True, timeout=30,
        )
        os.chmod(cert, 0o644)
        self.cert = cert
        data = os.path.join(self.work, "data")
        subprocess.run(self.as_postgres([os.path.join(self.bindir, "initdb"), "-D", data, "-A", "trust",
                                         "-U", "postgres", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        for name, source in (("server.crt", cert), ("server.key", key)):
            target = os.path.join(data, name)
            shutil.copy(source, target)
            os.chmod(target, 0o600)
            if os.geteuid() == 0:
                shutil.chown(target, "postgres", "postgres")
        self.pg_port = free_port()
        with open(os.path.join(data, "postgresql.conf"), "a") as conf:
            conf.write(f"""
# pg_bench.py
listen_addresses = '127.0.0.1'
port = {self.pg_port}
unix_socket_directories = '{self.work}'
max_connections = 1200
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
""")
        with open(os.path.join(data, "pg_hba.conf"), "w") as hba:
            hba.write("hostssl all all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 reject\n")
        # pg_ctl forks the postmaster under taskset: it and every backend stay on SERVER_CPU.
        started = subprocess.run(
            self.as_postgres(pinned(SERVER_CPU, [os.path.join(self.bindir, "pg_ctl"), "-D", data,
                                                 "-l", os.path.join(self.work, "postgres.log"), "-w", "-t", "60", "start"])),
            capture_output=True, text=True, timeout=90,
        )
        pidfile = os.path.join(data, "postmaster.pid")
        if os.path.exists(pidfile):
            with open(pidfile) as handle:
                self.postmaster_pid = int(handle.readline())
        if started.returncode != 0:
            raise BenchError(f"PostgreSQL did not start: {started.stderr}\n{self.tail('postgres.log')}")
        self.check_affinity("postgres", self.postmaster_pid, SERVER_CPU)
        self.server_version = self.psql("show server_version")
        if self.psql("select ssl from pg_stat_ssl where pid = pg_backend_pid()") != "t":
            raise BenchError("the direct path is not TLS")

    def check_affinity(self, name, pid, cpu):
        affinity = os.sched_getaffinity(pid)
        if affinity != {cpu}:
            raise BenchError(f"{name} (pid {pid}) runs on CPUs {sorted(affinity)}, expected {cpu}")

    def tail(self, name, lines=30):
        try:
            with open(os.path.join(self.work, name), errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""

    def pgbench_init(self):
        log("pgbench -i -s 10 (direct TLS) …")
        out = subprocess.run(pinned(CLIENT_CPU, ["pgbench", "-i", "-s", "10", "-q"]), env=self.client_env("direct TLS"),
                             capture_output=True, text=True, timeout=900)
        if out.returncode != 0:
            raise BenchError(f"pgbench -i failed: {out.stderr}")
        if self.psql("select count(*) from pgbench_accounts") != "1000000":
            raise BenchError("pgbench_accounts does not hold 1,000,000 rows after pgbench -i -s 10")

    def start_stunnel(self):
        self.stunnel_port = free_port()
        conf = os.path.join(self.work, "stunnel.conf")
        with open(conf, "w") as handle:
            # debug = err: no log line per connection (dbtunnel runs with --log-level error too).
            handle.write(f"""foreground = yes
pid =
debug = err
[pg]
client = yes
protocol = pgsql
accept = 127.0.0.1:{self.stunnel_port}
connect = 127.0.0.1:{self.pg_port}
sni = localhost
verifyChain = yes
CAfile = {self.cert}
checkHost = localhost
""")
        self.spawn("stunnel", pinned(CLIENT_CPU, [STUNNEL, conf]), None)
        wait_until(lambda: self.alive("stunnel") and listening(self.stunnel_port), 30, "stunnel to listen")

    def start_dbtunnel(self):
        self.tunnel_port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ENV)
        self.spawn("dbtunnel", pinned(CLIENT_CPU, [
            DBTUNNEL, "proxy", "db", "--protocol", "postgres", "--uri", f"localhost:{self.pg_port}",
            "--region", "us-east-1", "--ca-file", self.cert, "--port", str(self.tunnel_port), "--log-level", "error",
        ]), env)
        stdout = os.path.join(self.work, "dbtunnel.out")
        wait_until(lambda: self.alive("dbtunnel") and "Started DB proxy" in open(stdout, errors="replace").read(),
                   30, "'Started DB proxy' from dbtunnel")

    def spawn(self, name, command, env):
        out = open(os.path.join(self.work, f"{name}.out"), "w")
        err = open(os.path.join(self.work, f"{name}.err"), "w")
        self.processes[name] = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        out.close()
        err.close()

    def alive(self, name):
        process = self.processes[name]
        if process.poll() is not None:
            raise BenchError(f"{name} exited with {process.returncode}:\n{self.tail(name + '.out')}{self.tail(name + '.err')}")
        return True

    # ---------------------------------------------------------------- workloads

    def pgbench(self, path, arguments):
        command = pinned(CLIENT_CPU, ["pgbench", "-n", *arguments, "-T", str(SECONDS)])
        out = subprocess.run(command, env=self.client_env(path), capture_output=True, text=True, timeout=SECONDS + 120)
        failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
        tps = re.search(r"^tps = ([\d.]+)", out.stdout, re.M)
        if out.returncode != 0 or not tps or (failed and int(failed.group(1)) > 0):
            raise BenchError(f"{path}: pgbench {' '.join(arguments)} failed (exit {out.returncode}):\n"
                             f"{out.stdout[-2000:]}{out.stderr[-2000:]}")
        latency = re.search(r"^latency average = ([\d.]+) ms", out.stdout, re.M)
        return float(tps.group(1)), float(latency.group(1)) if latency else None

    def copy_out(self, path):
        """Complete COPYs for at least SECONDS (at least one); MB/s of COPY text, connect time included."""
        sql = f"\\copy (select repeat('x', 1000) from generate_series(1, {COPY_ROWS})) to '/dev/null'"
        command = pinned(CLIENT_CPU, ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-c", sql])
        env = self.client_env(path)
        copies, elapsed = 0, 0.0
        while copies == 0 or elapsed < SECONDS:
            start = time.perf_counter()
            out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            elapsed += time.perf_counter() - start
            if out.returncode != 0 or f"COPY {COPY_ROWS}" not in out.stdout:
                raise BenchError(f"{path}: COPY failed (exit {out.returncode}): {out.stdout[-500:]}{out.stderr[-1000:]}")
            copies += 1
        return copies * COPY_ROWS * COPY_ROW_BYTES / elapsed / 1e6

    # ---------------------------------------------------------------- idle connections

    def open_idle(self, port, count):
        """count connections to port, each past StartupMessage to ReadyForQuery, kept in self.sockets."""
        params = b"user\0postgres\0database\0postgres\0application_name\0pg_bench_idle\0\0"
        startup = struct.pack("!II", 8 + len(params), 196608) + params

        def receive(sock, size):
            data = b""
            while len(data) < size:
                chunk = sock.recv(size - len(data))
                if not chunk:
                    raise BenchError("connection closed during startup")
                data += chunk
            return data

        def one(_):
            sock = socket.create_connection(("127.0.0.1", port), timeout=60)
            try:
                sock.sendall(startup)
                while True:
                    kind, length = struct.unpack("!cI", receive(sock, 5))
                    body = receive(sock, length - 4)
                    if kind == b"E":
                        raise BenchError(f"startup refused: {body!r}")
                    if kind == b"Z":
                        sock.settimeout(None)
                        return sock
            except BaseException:
                sock.close()
                raise

        pool = concurrent.futures.ThreadPoolExecutor(16)
        try:
            futures = [pool.submit(one, i) for i in range(count)]
            done, pending = concurrent.futures.wait(futures, timeout=300)
            errors = [future.exception() for future in done if future.exception()]
            self.sockets += [future.result() for future in done if not future.exception()]
            if pending or errors:
                raise BenchError(f"{len(pending)} of {count} idle connections not open after 300s, {len(errors)} failed"
                                 + (f", first: {errors[0]!r}" if errors else ""))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # the running ones end within their 60 s socket timeout

    def close_idle(self):
        for sock in self.sockets:
            try:
                sock.sendall(b"X\0\0\0\4")  # Terminate
            except OSError:
                pass
            sock.close()
        self.sockets = []

    def memory_with_idle(self, name, port):
        pid = self.processes[name].pid
        before = memory_kb(pid)[0]
        started = time.monotonic()
        self.open_idle(port, IDLE_CONNECTIONS)
        opened_in = time.monotonic() - started
        time.sleep(2)
        backends = self.client_backends()
        self.alive(name)
        during, peak = memory_kb(pid)
        self.close_idle()
        wait_until(lambda: self.client_backends() == 0, 120, "the idle backends to exit")
        time.sleep(2)
        after = memory_kb(pid)[0]
        log(f"{name}: {IDLE_CONNECTIONS} idle connections opened in {opened_in:.1f}s, {backends} server backends, "
            f"RSS {mb(before):.1f} → {mb(during):.1f} → {mb(after):.1f} MB")
        if backends < IDLE_CONNECTIONS:
            raise BenchError(f"{name}: only {backends} server backends for {IDLE_CONNECTIONS} idle connections")
        return {"before": before, "during": during, "peak": peak, "after": after, "seconds": opened_in}

    # ---------------------------------------------------------------- cleanup

    def cleanup(self):
        if self.cleaning:
            return
        self.cleaning = True
        self.close_idle()
        for name, process in self.processes.items():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
        if self.work and os.path.exists(os.path.join(self.work, "data", "postmaster.pid")):
            pg_ctl = os.path.join(self.bindir, "pg_ctl")
            data = os.path.join(self.work, "data")
            for mode in ("fast", "immediate"):
                try:
                    if subprocess.run(self.as_postgres([pg_ctl, "-D", data, "-m", mode, "-w", "-t", "30", "stop"]),
                                      capture_output=True, timeout=45).returncode == 0:
                        break
                except subprocess.TimeoutExpired:
                    pass
        if self.postmaster_pid and not gone(self.postmaster_pid):
            try:
                os.kill(self.postmaster_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 15
            while not gone(self.postmaster_pid) and time.monotonic() < deadline:
                time.sleep(0.1)
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)


def median(values):
    return statistics.median(values)


def fmt(value, digits):
    return f"{value:,.{digits}f}"


def report(results, memory, fresh, versions, load_before):
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load_after = os.getloadavg()[0]
    lines = [
        f"PostgreSQL {versions['postgres']} through three paths, all TLS to the server; clients (pgbench, psql), "
        f"dbtunnel and stunnel pinned to CPU {CLIENT_CPU}, PostgreSQL pinned to CPU {SERVER_CPU} (taskset); "
        f"{ROUNDS} interleaved rounds of {SECONDS}s, medians (min..max); {date}.",
        "",
        f"Machine: {os.cpu_count()} CPUs; 1-minute load average {load_before:.1f} at the start, {load_after:.1f} at "
        f"the end (other work on the machine shows up here and in the min..max spread).",
        "",
        "| workload | direct TLS | stunnel | dbtunnel | dbtunnel ÷ direct | dbtunnel ÷ stunnel |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for (label, digits, _higher_better), per_path in results.items():
        cells = []
        for path in PATHS:
            values = per_path[path]
            cells.append(f"{fmt(median(values), digits)} ({fmt(min(values), digits)}..{fmt(max(values), digits)})")
        d, s, t = (median(per_path[p]) for p in PATHS)
        lines.append(f"| {label} | {' | '.join(cells)} | {t / d:.2f}× | {t / s:.2f}× |")
    lines += [
        "",
        f"Memory (VmRSS, MB) with {IDLE_CONNECTIONS:,} idle connections (raw sockets past StartupMessage "
        f"to ReadyForQuery, {IDLE_CONNECTIONS:,} server backends):",
        "",
        "| process | fresh start | before, after the workloads | with the idle connections | peak (VmHWM) | "
        "after closing them | time to open them |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("dbtunnel", "stunnel"):
        m = memory[name]
        lines.append(f"| {name} | {mb(fresh[name]):.1f} | {mb(m['before']):.1f} | {mb(m['during']):.1f} | "
                     f"{mb(m['peak']):.1f} | {mb(m['after']):.1f} | {m['seconds']:.1f} s |")

    def verdict(ok):
        return "met" if ok else "**NOT met**"

    lines += ["", "Goals:", ""]
    for (label, digits, higher_better), per_path in results.items():
        if not higher_better:
            continue
        d, s, t = (median(per_path[p]) for p in PATHS)
        if label.startswith("COPY"):
            lines.append(f"- {label}: ≥ {GOAL_COPY_VS_DIRECT:.2f}× direct TLS — "
                         f"{verdict(t >= GOAL_COPY_VS_DIRECT * d)} ({t / d:.2f}×)")
        else:
            lines.append(f"- {label}: ≥ {GOAL_TPS_VS_DIRECT:.2f}× direct TLS — {verdict(t >= GOAL_TPS_VS_DIRECT * d)} "
                         f"({t / d:.2f}×); ≥ stunnel — {verdict(t >= s)} ({t / s:.2f}×)")
    rss = mb(memory["dbtunnel"]["during"])
    lines.append(f"- dbtunnel RSS with {IDLE_CONNECTIONS:,} idle connections ≤ {GOAL_RSS_MB:.0f} MB — "
                 f"{verdict(rss <= GOAL_RSS_MB)} ({rss:.1f} MB)")
    lines += ["", f"MB = 10^6 bytes. COPY: psql \\copy of {COPY_ROWS:,} rows of repeat('x', 1000) to /dev/null "
              f"({COPY_ROWS * COPY_ROW_BYTES / 1e6:.0f} MB of COPY text), repeated for each run's duration, psql start "
              f"and connection included. {versions['stunnel']}; {versions['pgbench']}."]
    return "\n".join(lines)


def main():
    if os.cpu_count() is None or os.cpu_count() < 2 or not {CLIENT_CPU, SERVER_CPU} <= os.sched_getaffinity(0):
        raise BenchError("needs CPUs 0 and 1")
    for tool, hint in ((DBTUNNEL, "swift build -c release --product dbtunnel"), (STUNNEL, "apt-get install stunnel4")):
        if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
            raise BenchError(f"{tool} not found ({hint})")
    for tool in ("pgbench", "psql", "openssl", "taskset"):
        if not shutil.which(tool):
            raise BenchError(f"{tool} not found (make deps)")
    # 1,000 idle connections: this script and each relay (two sockets a connection) need the descriptors.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4 * IDLE_CONNECTIONS + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < want:
        raise BenchError(f"open files limit {hard} is below {want}")
    os.sched_setaffinity(0, {CLIENT_CPU})  # this script is a client too

    bench = Bench()
    load_before = os.getloadavg()[0]

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        bench.start_postgres()
        log(f"PostgreSQL {bench.server_version} on 127.0.0.1:{bench.pg_port} (CPU {SERVER_CPU}), data in {bench.work}")
        bench.pgbench_init()
        bench.start_stunnel()
        bench.start_dbtunnel()
        for name in ("stunnel", "dbtunnel"):
            bench.check_affinity(name, bench.processes[name].pid, CLIENT_CPU)
        fresh = {name: memory_kb(bench.processes[name].pid)[0] for name in ("stunnel", "dbtunnel")}
        versions = {
            "postgres": bench.server_version,
            "stunnel": next((line.split(" on ")[0] for line in subprocess.run(
                [STUNNEL, "-version"], capture_output=True, text=True, timeout=10).stderr.splitlines()
                if line.startswith("stunnel ")), "stunnel"),
            "pgbench": subprocess.run(["pgbench", "--version"], capture_output=True, text=True, timeout=10).stdout.strip(),
        }
        for path in PATHS:  # warm-up, not reported; also proves every path works end to end
            bench.pgbench(path, ["-S", "-c", "1", "-j", "1"])
        for path in ("stunnel", "dbtunnel"):
            ssl = subprocess.run(pinned(CLIENT_CPU, ["psql", "-X", "-At", "-c",
                                                     "select ssl from pg_stat_ssl where pid = pg_backend_pid()"]),
                                 env=bench.client_env(path), capture_output=True, text=True, timeout=30).stdout.strip()
            if ssl != "t":
                raise BenchError(f"{path}: the server side of the connection is not TLS ({ssl!r})")

        tps1 = "select-only, 1 client (pgbench -S -c 1 -j 1): TPS"
        lat1 = "select-only, 1 client: latency average, ms (lower is better)"
        tps16 = "select-only, 16 clients (pgbench -S -c 16 -j 2): TPS"
        conn = "new connection per transaction (pgbench -S -C -c 4 -j 2): connections/s"
        copy = f"COPY out, {COPY_ROWS * COPY_ROW_BYTES / 1e6:.0f} MB (psql \\copy … to /dev/null): MB/s"
        keys = {tps1: (tps1, 0, True), lat1: (lat1, 3, False), tps16: (tps16, 0, True), conn: (conn, 0, True),
                copy: (copy, 0, True)}
        results = {keys[k]: {path: [] for path in PATHS} for k in (tps1, lat1, tps16, conn, copy)}

        def add(label, path, value):
            results[keys[label]][path].append(value)

        for round_number in range(ROUNDS):
            order = PATHS[round_number % 3:] + PATHS[:round_number % 3]
            for workload in ("c1", "c16", "connect", "copy"):
                for path in order:
                    if workload == "c1":
                        tps, latency = bench.pgbench(path, ["-S", "-c", "1", "-j", "1"])
                        add(tps1, path, tps)
                        add(lat1, path, latency)
                    elif workload == "c16":
                        add(tps16, path, bench.pgbench(path, ["-S", "-c", "16", "-j", "2"])[0])
                    elif workload == "connect":
                        add(conn, path, bench.pgbench(path, ["-S", "-C", "-c", "4", "-j", "2"])[0])
                    else:
                        add(copy, path, bench.copy_out(path))
            summary = "; ".join(
                f"{label.split(':')[0].split(' (')[0]}: " + ", ".join(f"{p}={fmt(v[p][-1], d)}" for p in order)
                for (label, d, _), v in results.items())
            log(f"round {round_number + 1}/{ROUNDS} (order {', '.join(order)}): {summary}")

        memory = {
            "dbtunnel": bench.memory_with_idle("dbtunnel", bench.tunnel_port),
            "stunnel": bench.memory_with_idle("stunnel", bench.stunnel_port),
        }
        text = report(results, memory, fresh, versions, load_before)
        print("\n" + text, flush=True)
        os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
        with open(os.path.join(ROOT, "bench-results", "postgres.md"), "w") as handle:
            handle.write(text + "\n")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        bench.cleanup()


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        print(f"pg_bench: {error}", file=sys.stderr)
        sys.exit(1)
