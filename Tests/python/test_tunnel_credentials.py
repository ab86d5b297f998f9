"""The PostgreSQL tunnel reaches a lab database with credentials from each provider of the chain."""
import pathlib
import re
import socket
import subprocess
import time

import pytest

from lab import Lab

HERE = pathlib.Path(__file__).resolve().parent
HOST = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"
ALICE = ("AKIAALICETUNNEL00001", "alice-tunnel-secret-EXAMPLE")


@pytest.fixture(scope="module")
def lab(dbtunnel, tmp_path_factory):
    lab = Lab(dbtunnel, str(HERE / "labs" / "tunnel.yaml"), tmp_path_factory.mktemp("tunnel-lab"))
    yield lab
    lab.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def through_tunnel(dbtunnel, lab, env, db_user, extra_args=()):
    """Starts the tunnel with `env`, runs psql as `db_user`, returns (psql result, tunnel output)."""
    port = free_port()
    tunnel = subprocess.Popen(
        [dbtunnel, "proxy", "db", "--protocol", "postgres", "--uri", f"{HOST}:5432",
         "--connect-to", lab.env["DBTUNNEL_LAB_MYDB_CONNECT_TO"], "--ca-file", lab.env["DBTUNNEL_LAB_CA"],
         "--port", str(port), *extra_args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 30
        output = ""
        while time.time() < deadline:
            line = tunnel.stdout.readline()
            output += line
            if "Started DB proxy" in line or tunnel.poll() is not None:
                break
        if tunnel.poll() is not None:
            return None, output + tunnel.stdout.read()
        result = subprocess.run(
            ["psql", "-X", "-A", "-t", f"host=127.0.0.1 port={port} user={db_user} dbname=postgres sslmode=disable",
             "-c", "select current_user"], capture_output=True, text=True, timeout=60)
        return result, output
    finally:
        tunnel.terminate()
        try:
            tunnel.wait(timeout=10)
        except subprocess.TimeoutExpired:
            tunnel.kill()


def no_ambient_keys(lab, **overrides):
    return lab.environment(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_EC2_METADATA_DISABLED="true", **overrides)


def test_environment_credentials(dbtunnel, lab):
    result, output = through_tunnel(dbtunnel, lab, lab.environment(), "alice")
    assert result is not None, output
    assert result.stdout == "alice\n", result.stderr


def test_credential_process_profile(dbtunnel, lab, tmp_path):
    helper = tmp_path / "creds.sh"
    helper.write_text(f"#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{ALICE[0]}\", \"SecretAccessKey\": \"{ALICE[1]}\"}}'\n")
    config = tmp_path / "config"
    config.write_text(f"[profile tool]\ncredential_process = sh {helper}\n")
    env = no_ambient_keys(lab, AWS_CONFIG_FILE=str(config), AWS_PROFILE="tool")
    result, output = through_tunnel(dbtunnel, lab, env, "alice")
    assert result is not None, output
    assert result.stdout == "alice\n", result.stderr


def test_profile_with_role_arn_and_source_profile(dbtunnel, lab, tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile app]\nrole_arn = arn:aws:iam::111111111111:role/app\nsource_profile = base\n")
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[base]\naws_access_key_id = {ALICE[0]}\naws_secret_access_key = {ALICE[1]}\n")
    env = no_ambient_keys(lab, AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_PROFILE="app")
    result, output = through_tunnel(dbtunnel, lab, env, "app_user")
    assert result is not None, output
    assert result.stdout == "app_user\n", result.stderr


def test_two_hop_chain_with_assume_role_arn(dbtunnel, lab, tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile hop1]\nrole_arn = arn:aws:iam::111111111111:role/hop1\nsource_profile = base\n")
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[base]\naws_access_key_id = {ALICE[0]}\naws_secret_access_key = {ALICE[1]}\n")
    env = no_ambient_keys(lab, AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_PROFILE="hop1")
    result, output = through_tunnel(dbtunnel, lab, env, "app_user",
                                    ["--assume-role-arn", "arn:aws:iam::111111111111:role/app"])
    assert result is not None, output
    assert result.stdout == "app_user\n", result.stderr


def test_web_identity(dbtunnel, lab):
    token_file = re.search(r"web identity token \(for AWS_WEB_IDENTITY_TOKEN_FILE\): (\S+)",
                           open(lab.state_dir + "/lab.env").read()).group(1)
    env = no_ambient_keys(lab, AWS_WEB_IDENTITY_TOKEN_FILE=token_file, AWS_ROLE_ARN="arn:aws:iam::111111111111:role/app",
                          AWS_ROLE_SESSION_NAME="tunnel-checks")
    result, output = through_tunnel(dbtunnel, lab, env, "app_user")
    assert result is not None, output
    assert result.stdout == "app_user\n", result.stderr


def test_container_credentials(dbtunnel, lab):
    env = no_ambient_keys(lab)
    assert "AWS_CONTAINER_CREDENTIALS_FULL_URI" in env
    result, output = through_tunnel(dbtunnel, lab, env, "app_user")
    assert result is not None, output
    assert result.stdout == "app_user\n", result.stderr


def test_instance_metadata_v2(dbtunnel, lab):
    env = lab.environment(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_CONTAINER_CREDENTIALS_FULL_URI=None,
                          AWS_CONTAINER_AUTHORIZATION_TOKEN=None)
    result, output = through_tunnel(dbtunnel, lab, env, "app_user")
    assert result is not None, output
    assert result.stdout == "app_user\n", result.stderr
