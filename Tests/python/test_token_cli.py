"""`dbtunnel token` against the real aws CLI: same credentials, same output."""
import re
import subprocess

import pytest

HOST = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def run(args, env):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


def date_of(token):
    return re.search(r"X-Amz-Date=(\w+)", token).group(1)


def same_second_pair(dbtunnel, ours_args, theirs_args, env):
    """Both tools sign with the wall clock: retry (bounded) until both land in the same second."""
    for _ in range(5):
        ours = run([dbtunnel, "token", *ours_args], env)
        theirs = run(["aws", "rds", "generate-db-auth-token", *theirs_args], env)
        assert ours.returncode == 0, ours.stderr
        assert theirs.returncode == 0, theirs.stderr
        if date_of(ours.stdout) == date_of(theirs.stdout):
            return ours.stdout, theirs.stdout
    pytest.fail("could not get two tokens within the same second in 5 tries")


@pytest.mark.parametrize("session_token", [None, "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJH+example=="])
def test_token_equals_aws_cli_with_environment_credentials(dbtunnel, aws_env, session_token):
    aws_env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET)
    if session_token:
        aws_env["AWS_SESSION_TOKEN"] = session_token
    ours, theirs = same_second_pair(
        dbtunnel,
        ["--uri", f"{HOST}:5432", "--db-user", "iam user@corp"],
        ["--hostname", HOST, "--port", "5432", "--username", "iam user@corp", "--region", "us-east-1"],
        aws_env,
    )
    assert ours == theirs


def test_token_equals_aws_cli_with_credential_process_profile(dbtunnel, aws_env, tmp_path):
    helper = tmp_path / "helper.sh"
    helper.write_text(
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCEXAMPLE\", "
        f"\"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": \"proc-token\", "
        "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n"
    )
    (tmp_path / "config").write_text(f"[profile tool]\ncredential_process = sh {helper}\n")
    ours, theirs = same_second_pair(
        dbtunnel,
        ["--uri", f"{HOST}:3306", "--db-user", "app", "--profile", "tool"],
        ["--hostname", HOST, "--port", "3306", "--username", "app", "--region", "us-east-1", "--profile", "tool"],
        aws_env,
    )
    assert "ASIAPROCEXAMPLE" in ours
    assert ours == theirs


def test_token_equals_aws_cli_with_shared_credentials_profile(dbtunnel, aws_env, tmp_path):
    (tmp_path / "credentials").write_text(f"[dev]\naws_access_key_id = AKIADEVEXAMPLE\naws_secret_access_key = {SECRET}\n")
    aws_env["AWS_PROFILE"] = "dev"
    ours, theirs = same_second_pair(
        dbtunnel,
        ["--uri", "Proxy.proxy-abcdefghijkl.eu-west-1.rds.amazonaws.com:443", "--db-user", "app"],
        ["--hostname", "Proxy.proxy-abcdefghijkl.eu-west-1.rds.amazonaws.com", "--port", "443",
         "--username", "app", "--region", "eu-west-1"],
        aws_env,
    )
    assert ours == theirs


@pytest.mark.parametrize("args, message", [
    (["--uri", HOST, "--db-user", "u"], "has no port; pass HOST:PORT"),
    (["--uri", f"{HOST}:port", "--db-user", "u"], "the port must be a number from 1 to 65535"),
    (["--uri", f"{HOST}:0", "--db-user", "u"], "the port must be a number from 1 to 65535"),
    (["--uri", "db.internal.example:5432", "--db-user", "u"], "pass --region"),
    (["--uri", f"postgres://{HOST}:5432", "--db-user", "u"], "without a scheme"),
])
def test_bad_uri_says_what_to_pass(dbtunnel, aws_env, args, message):
    aws_env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET)
    result = run([dbtunnel, "token", *args], aws_env)
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stdout == ""


def test_region_flag_makes_any_hostname_usable(dbtunnel, aws_env):
    aws_env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET)
    result = run([dbtunnel, "token", "--uri", "db.internal.example:5432", "--db-user", "u", "--region", "eu-central-1"], aws_env)
    assert result.returncode == 0, result.stderr
    assert "%2Feu-central-1%2Frds-db%2Faws4_request" in result.stdout


def test_no_credentials_reports_every_provider(dbtunnel, aws_env):
    result = run([dbtunnel, "token", "--uri", f"{HOST}:5432", "--db-user", "u"], aws_env)
    assert result.returncode != 0
    assert "NoCredentialProviders: no valid providers in chain" in result.stderr
    for provider in ["env:", "shared-credentials-file:", "custom-process:", "config-file:", "iam-role:"]:
        assert provider in result.stderr


def test_partial_environment_credentials_fail_without_leaking(dbtunnel, aws_env):
    aws_env["AWS_SECRET_ACCESS_KEY"] = SECRET
    result = run([dbtunnel, "token", "--uri", f"{HOST}:5432", "--db-user", "u"], aws_env)
    assert result.returncode != 0
    assert "Partial credentials found in env, missing: AWS_ACCESS_KEY_ID" in result.stderr
    assert SECRET not in result.stderr + result.stdout
