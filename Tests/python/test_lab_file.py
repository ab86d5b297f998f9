"""`dbtunnel lab up` with the default lab: every service the lab file describes answers boto3."""
import pathlib

import boto3
import botocore.exceptions
import pytest

from lab import Lab

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lab(dbtunnel, tmp_path_factory):
    lab = Lab(dbtunnel, str(ROOT / "Mocks" / "labs" / "default.yaml"), tmp_path_factory.mktemp("default-lab"))
    yield lab
    lab.stop()


OPS = ("AKIAOPSEXAMPLE000001", "ops/secret/EXAMPLEKEY0000000000000001")


def client(lab, service, keys=None):
    key, secret = keys or (lab.env["AWS_ACCESS_KEY_ID"], lab.env["AWS_SECRET_ACCESS_KEY"])
    return boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1").client(
        service, endpoint_url=lab.env["AWS_ENDPOINT_URL"])


def test_databases_secrets_and_workgroups_of_the_lab_file_answer_boto3(lab):
    instance = client(lab, "rds", OPS).describe_db_instances(DBInstanceIdentifier="mydb")["DBInstances"][0]
    assert instance["Endpoint"]["Address"] == "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"
    assert instance["DbiResourceId"] == "db-MYDBEXAMPLERESOURCE0000001"
    assert instance["IAMDatabaseAuthenticationEnabled"] is True
    secret = client(lab, "secretsmanager", OPS).get_secret_value(SecretId="mydb/alice")
    assert '"username": "alice"' in secret["SecretString"]
    workgroup = client(lab, "redshift-serverless", OPS).get_workgroup(workgroupName="analytics")["workgroup"]
    assert workgroup["workgroupName"] == "analytics"
    # alice's policies grant rds-db:connect and sts:AssumeRole only: RDS's API is denied, as in AWS.
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(lab, "rds").describe_db_instances()
    assert error.value.response["Error"]["Code"] == "AccessDenied"


def test_alice_can_assume_the_reader_role_and_read_her_identity(lab):
    sts = client(lab, "sts")
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::111111111111:user/alice"
    role = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/db-reader", RoleSessionName="lab")
    assert role["AssumedRoleUser"]["Arn"] == "arn:aws:sts::111111111111:assumed-role/db-reader/lab"


def test_lab_env_repeats_the_exports_and_lab_down_stops(dbtunnel, tmp_path):
    import subprocess
    state = tmp_path / "state"
    up = subprocess.run([dbtunnel, "lab", "up", str(ROOT / "Mocks" / "labs" / "default.yaml"), "--state-dir", str(state)],
                        capture_output=True, text=True, timeout=180)
    assert up.returncode == 0, up.stderr
    env = subprocess.run([dbtunnel, "lab", "env", "--state-dir", str(state)], capture_output=True, text=True, timeout=30)
    assert env.stdout == up.stdout
    down = subprocess.run([dbtunnel, "lab", "down", "--state-dir", str(state)], capture_output=True, text=True, timeout=60)
    assert down.returncode == 0
    again = subprocess.run([dbtunnel, "lab", "env", "--state-dir", str(state)], capture_output=True, text=True, timeout=30)
    assert again.returncode != 0 and "no lab is running" in again.stderr


def test_broken_lab_file_is_an_error_with_file_and_line(dbtunnel, tmp_path):
    import subprocess
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\naccounts:\n  \"111111111111\":\n    userz: {}\n")
    result = subprocess.run([dbtunnel, "lab", "up", str(broken), "--state-dir", str(tmp_path / "s")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{broken}:4:5: accounts.111111111111: unknown key 'userz'" in result.stderr
