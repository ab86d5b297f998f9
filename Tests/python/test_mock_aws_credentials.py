"""The mock's credential endpoints through botocore's own fetchers and provider chain: EC2 instance
metadata in each mode, and ECS container credentials with and without the token.

botocore's InstanceMetadataFetcher takes the endpoint from its config (`ec2_metadata_service_endpoint`,
which a session fills from AWS_EC2_METADATA_SERVICE_ENDPOINT); the chain tests use the variable."""
import json
import subprocess
import time
import urllib.error
import urllib.request

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError, CredentialRetrievalError, MetadataRetrievalError
from botocore.utils import ContainerMetadataFetcher, InstanceMetadataFetcher

from mock_aws_lab import ACCOUNT, CONTAINER_TOKEN, REGION, admin, client_env, environment, running_lab


@pytest.fixture(scope="module")
def lab(dbtunnel):
    with running_lab(dbtunnel) as url:
        yield url


@pytest.fixture(autouse=True)
def reset(lab):
    assert admin(lab, "reset")[0] == 200


def imds(lab, mode, **settings):
    status, answer = admin(lab, "imds", {"mode": mode, **settings})
    assert status == 200, answer


def fetch(lab, **config):
    fetcher = InstanceMetadataFetcher(
        timeout=1, num_attempts=1, env={}, config={"ec2_metadata_service_endpoint": f"{lab}/", **config})
    return fetcher.retrieve_iam_role_credentials()


def client_with(lab, credentials, service="sts"):
    return boto3.session.Session(
        aws_access_key_id=credentials["access_key"], aws_secret_access_key=credentials["secret_key"],
        aws_session_token=credentials["token"], region_name=REGION,
    ).client(service, endpoint_url=lab)


def test_imds_normal_gives_credentials_the_mock_honours(lab):
    credentials = fetch(lab)
    assert credentials["role_name"] == "ec2-role"
    assert credentials["access_key"].startswith("ASIA")
    identity = client_with(lab, credentials).get_caller_identity()
    assert identity["Arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/ec2-role/i-")
    redshift = client_with(lab, credentials, "redshift-serverless").get_credentials(workgroupName="analytics")
    assert redshift["dbUser"] == "IAMR:ec2-role"
    with pytest.raises(ClientError) as raised:  # the role's policies allow connecting, not describing
        client_with(lab, credentials, "rds").describe_db_instances()
    error = raised.value.response["Error"]
    assert (error["Code"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDenied", 403)
    assert error["Message"].endswith(f"is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:{REGION}:{ACCOUNT}:db:*")
    assert fetch(lab)["access_key"] == credentials["access_key"]  # the same until close to expiry
    # Past their expiry on the mock's clock, the mock refuses them.
    assert admin(lab, "clock", {"advanceSeconds": 6 * 3600 + 60})[0] == 200
    with pytest.raises(ClientError) as raised:
        client_with(lab, credentials).get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "ExpiredToken"


def test_imds_hop_limit_1_falls_back_to_v1_only_where_v1_is_allowed(lab):
    imds(lab, "hopLimit1", tokensRequired=False)
    started = time.monotonic()
    credentials = fetch(lab)
    assert credentials["role_name"] == "ec2-role"  # the token PUT timed out; tokenless GETs worked
    assert 0.9 < time.monotonic() - started < 4.5
    with pytest.raises(MetadataRetrievalError):  # the client refuses IMDSv1
        fetch(lab, ec2_metadata_v1_disabled=True)
    imds(lab, "hopLimit1", tokensRequired=True)  # the instance requires tokens: nothing at all
    assert fetch(lab) == {}


def test_imds_v1_disabled_needs_the_token(lab):
    imds(lab, "v1Disabled")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{lab}/latest/meta-data/iam/security-credentials/", timeout=5)
    assert raised.value.code == 401
    assert fetch(lab)["role_name"] == "ec2-role"  # botocore gets a token first


def test_imds_bad_tokens_are_refused(lab):
    request = urllib.request.Request(f"{lab}/latest/api/token", method="PUT", headers={"x-aws-ec2-metadata-token-ttl-seconds": "0"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 400
    request = urllib.request.Request(f"{lab}/latest/meta-data/iam/security-credentials/", headers={"x-aws-ec2-metadata-token": "forged"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 401


def test_imds_no_role_gives_nothing(lab):
    imds(lab, "noRole")
    assert fetch(lab) == {}


def test_imds_slow_answers_beyond_the_timeout_give_nothing(lab):
    imds(lab, "slow", delayMilliseconds=1500)
    assert fetch(lab) == {}
    imds(lab, "slow", delayMilliseconds=100)
    assert fetch(lab)["role_name"] == "ec2-role"


def test_imds_through_the_provider_chain_and_the_aws_cli(lab, tmp_path):
    env = client_env(lab, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=f"{lab}/")
    del env["AWS_EC2_METADATA_DISABLED"]
    with environment(env):
        credentials = botocore.session.Session().get_credentials()
    assert credentials.method == "iam-role"
    result = subprocess.run(["aws", "sts", "get-caller-identity", "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/ec2-role/i-")


def test_container_credentials_with_and_without_the_token(lab):
    fetcher = ContainerMetadataFetcher(sleep=lambda _: None)
    answer = fetcher.retrieve_full_uri(f"{lab}/ecs/credentials", headers={"Authorization": CONTAINER_TOKEN})
    assert answer["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/task-role"
    assert set(answer) >= {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
    for headers in (None, {"Authorization": "wrong"}):
        with pytest.raises(MetadataRetrievalError, match="401"):
            fetcher.retrieve_full_uri(f"{lab}/ecs/credentials", headers=headers)


def test_container_credentials_through_the_chain_full_and_relative(lab, tmp_path, monkeypatch):
    full = client_env(lab, tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI=f"{lab}/ecs/credentials",
                      AWS_CONTAINER_AUTHORIZATION_TOKEN=CONTAINER_TOKEN)
    with environment(full):
        session = boto3.session.Session()
        assert session.get_credentials().method == "container-role"
        assert session.client("sts").get_caller_identity()["Arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/task-role/")
    # The relative form goes to 169.254.170.2; point botocore's constant at the lab instead.
    monkeypatch.setattr(ContainerMetadataFetcher, "IP_ADDRESS", lab.removeprefix("http://"))
    relative = client_env(lab, tmp_path, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="/ecs/credentials",
                          AWS_CONTAINER_AUTHORIZATION_TOKEN=CONTAINER_TOKEN)
    with environment(relative):
        assert botocore.session.Session().get_credentials().method == "container-role"
    without_token = dict(full)
    del without_token["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    with environment(without_token), pytest.raises(CredentialRetrievalError):
        botocore.session.Session().get_credentials()
