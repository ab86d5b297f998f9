"""`dbtunnel scenario run` as CI and developers use it: Ctrl+C in the middle of a scenario stops
the runner and everything it started (lab backends, mock endpoints, the tunnel, the step's own
programs) and leaves no file behind."""
import os
import pathlib
import signal
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def descendants(pid):
    """Every live process below `pid` (by walking /proc's parent links)."""
    children = {}
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_in_the_middle_of_a_scenario_leaves_no_process_and_no_file(dbtunnel, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    marker = tmp_path / "step-started"
    scenario = tmp_path / "long.yaml"
    scenario.write_text(f"""\
name: long-running
symptom: a query that takes a while
cause: none
fix: none
lab: {{file: {ROOT}/Mocks/labs/default.yaml}}
tunnel: {{database: mydb, db_user: alice}}
steps:
  - shell: touch {marker} && exec psql -X -c "select pg_sleep(60)"
    timeout: 90s
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PG"))}
    env["TMPDIR"] = str(scratch)
    runner = subprocess.Popen([dbtunnel, "scenario", "run", str(scenario)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline and runner.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), "the scenario's step never started"
        time.sleep(0.5)
        started = descendants(runner.pid)
        names = {pathlib.Path(f"/proc/{pid}/comm").read_text().strip() for pid in started if alive(pid)}
        # What there is to leave behind: the database server, the tunnel and the step's psql.
        assert {"postgres", "dbtunnel", "psql"} <= names, names
        runner.send_signal(signal.SIGINT)
        _, stderr = runner.communicate(timeout=30)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()
    assert runner.returncode == 130, stderr
    time.sleep(0.5)
    left = [pid for pid in started if alive(pid)]
    assert left == [], f"still running after Ctrl+C: {[(pid, pathlib.Path(f'/proc/{pid}/cmdline').read_bytes()) for pid in left]}"
    assert list(scratch.iterdir()) == [], "files left behind"
