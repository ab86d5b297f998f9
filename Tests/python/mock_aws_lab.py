"""Runs `dbtunnel lab aws` for the python checks (or uses DBTUNNEL_MOCK_AWS_URL), and helpers to drive it."""
import contextlib
import json
import os
import pathlib
import queue
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB_FILE = ROOT / "Tests" / "python" / "labs" / "mock-aws.yaml"
ACCOUNT = "111111111111"
REGION = "us-east-1"
ALICE_KEY = "AKIAALICEEXAMPLE0001"
ALICE_SECRET = "alice/secret/key/EXAMPLEKEY0000000000001"
CONTAINER_TOKEN = "lab-container-token"


@contextlib.contextmanager
def running_lab(dbtunnel):
    """Yields the lab's URL; stops the process (SIGTERM, then SIGKILL) however the tests end."""
    if os.environ.get("DBTUNNEL_MOCK_AWS_URL"):
        yield os.environ["DBTUNNEL_MOCK_AWS_URL"].rstrip("/")
        return
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [dbtunnel, "lab", "aws", str(LAB_FILE), "--port", "0"],
            stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
        try:
            yield _wait_for_url(process, stderr)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_url(process, stderr, timeout=60):
    """The URL from the `export AWS_ENDPOINT_URL=` line (read on a thread: a pipe read has no timeout)."""
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] + [lines.put(None)], daemon=True).start()
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            break
        if line is None:
            break
        if line.startswith("export AWS_ENDPOINT_URL="):
            return line.strip().split("=", 1)[1]
    stderr.seek(0)
    raise RuntimeError(f"dbtunnel lab aws did not start: {stderr.read().decode(errors='replace')}")


def admin(url, path, body=None):
    """POSTs a scenario control; returns (status, JSON answer)."""
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(f"{url}/_mock/{path}", data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def client_env(url, tmp_path, **extra):
    """An environment with nothing but the lab: no config files, metadata disabled unless asked."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(tmp_path), AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"), AWS_ENDPOINT_URL=url,
        AWS_DEFAULT_REGION=REGION, AWS_EC2_METADATA_DISABLED="true",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def environment(env):
    """Replaces os.environ for in-process botocore sessions, and restores it."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
