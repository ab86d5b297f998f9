"""The mock AWS APIs through unmodified boto3 and the aws CLI (AWS_ENDPOINT_URL): RDS, Secrets
Manager, Redshift Serverless, and how bad requests are answered."""
import base64
import json
import subprocess
import time
import urllib.error
import urllib.request

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.exceptions import ClientError

from mock_aws_lab import ACCOUNT, ALICE_KEY, ALICE_SECRET, REGION, admin, client_env, environment, running_lab


@pytest.fixture(scope="module")
def lab(dbtunnel):
    with running_lab(dbtunnel) as url:
        yield url


@pytest.fixture
def env(lab, tmp_path):
    assert admin(lab, "reset")[0] == 200
    return client_env(lab, tmp_path, AWS_ACCESS_KEY_ID=ALICE_KEY, AWS_SECRET_ACCESS_KEY=ALICE_SECRET)


@pytest.fixture
def aws(env):
    """boto3 clients configured by the environment alone, as users run them."""
    with environment(env):
        session = boto3.session.Session()
        yield lambda service: session.client(service)


def error_of(raised):
    response = raised.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def cli(env, *args):
    return subprocess.run(["aws", *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=60)


# RDS

def test_rds_describe_db_instances_all_and_one(aws):
    rds = aws("rds")
    ids = [db["DBInstanceIdentifier"] for db in rds.describe_db_instances()["DBInstances"]]
    assert ids == ["aurora-1", "aurora-2", "legacy", "orders"]
    orders = rds.describe_db_instances(DBInstanceIdentifier="orders")["DBInstances"][0]
    assert orders["Engine"] == "postgres"
    assert orders["Endpoint"]["Port"] == 5432
    assert orders["Endpoint"]["Address"].startswith("orders.") and orders["Endpoint"]["Address"].endswith(".us-east-1.rds.amazonaws.com")
    assert orders["IAMDatabaseAuthenticationEnabled"] is True
    assert orders["DBInstanceArn"] == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders"
    assert orders["DbiResourceId"].startswith("db-")
    assert orders["TagList"] == [{"Key": "team", "Value": "payments"}]
    assert orders["InstanceCreateTime"].year >= 2025


def test_rds_filters(aws):
    rds = aws("rds")
    def ids(filters):
        return [db["DBInstanceIdentifier"] for db in rds.describe_db_instances(Filters=filters)["DBInstances"]]
    assert ids([{"Name": "engine", "Values": ["mysql"]}]) == ["legacy"]
    assert ids([{"Name": "db-cluster-id", "Values": ["aurora"]}]) == ["aurora-1", "aurora-2"]
    assert ids([{"Name": "db-instance-id", "Values": [f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders", "legacy"]}]) == ["legacy", "orders"]
    assert ids([{"Name": "engine", "Values": ["aurora-postgresql"]}, {"Name": "db-instance-id", "Values": ["aurora-2"]}]) == ["aurora-2"]
    with pytest.raises(ClientError) as raised:
        rds.describe_db_instances(Filters=[{"Name": "tag:team", "Values": ["payments"]}])
    assert error_of(raised) == ("InvalidParameterValue", "Unrecognized filter name: tag:team", 400)


def test_rds_not_found_errors(aws):
    rds = aws("rds")
    with pytest.raises(ClientError) as raised:
        rds.describe_db_instances(DBInstanceIdentifier="nope")
    assert error_of(raised) == ("DBInstanceNotFound", "DBInstance nope not found.", 404)
    assert type(raised.value).__name__ == "DBInstanceNotFoundFault"  # botocore's modeled exception
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault) as raised:
        rds.describe_db_clusters(DBClusterIdentifier="nope")
    assert error_of(raised) == ("DBClusterNotFoundFault", "DBCluster nope not found.", 404)
    with pytest.raises(rds.exceptions.DBProxyNotFoundFault) as raised:
        rds.describe_db_proxies(DBProxyName="nope")
    assert error_of(raised) == ("DBProxyNotFoundFault", "DBProxy nope is not found.", 404)
    with pytest.raises(rds.exceptions.DBProxyEndpointNotFoundFault):
        rds.describe_db_proxy_endpoints(DBProxyEndpointName="nope")
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.modify_db_instance(DBInstanceIdentifier="nope", EnableIAMDatabaseAuthentication=True)


def test_rds_clusters_proxies_and_endpoints(aws):
    rds = aws("rds")
    cluster = rds.describe_db_clusters(DBClusterIdentifier="aurora")["DBClusters"][0]
    assert cluster["DbClusterResourceId"].startswith("cluster-")
    assert cluster["ReaderEndpoint"].startswith("aurora.cluster-ro-")
    assert [(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in cluster["DBClusterMembers"]] == [("aurora-1", True), ("aurora-2", False)]
    assert cluster["IAMDatabaseAuthenticationEnabled"] is False
    assert cluster["TagList"] == [{"Key": "team", "Value": "analytics"}]
    proxy = rds.describe_db_proxies()["DBProxies"][0]
    assert proxy["DBProxyName"] == "orders-proxy" and proxy["EngineFamily"] == "POSTGRESQL" and proxy["RequireTLS"] is True
    assert proxy["Auth"][0]["IAMAuth"] == "REQUIRED"
    assert proxy["DBProxyArn"].startswith(f"arn:aws:rds:{REGION}:{ACCOUNT}:db-proxy:prx-")
    endpoints = rds.describe_db_proxy_endpoints(DBProxyName="orders-proxy")["DBProxyEndpoints"]
    assert [(e["DBProxyEndpointName"], e["TargetRole"], e["IsDefault"]) for e in endpoints] == [
        ("default", "READ_WRITE", True), ("orders-ro", "READ_ONLY", False)]
    assert endpoints[1]["Endpoint"].startswith("orders-ro.endpoint.proxy-")


def test_rds_modify_iam_authentication(aws):
    rds = aws("rds")
    pending = rds.modify_db_instance(DBInstanceIdentifier="legacy", EnableIAMDatabaseAuthentication=True)["DBInstance"]
    assert pending["IAMDatabaseAuthenticationEnabled"] is False
    assert pending["PendingModifiedValues"] == {"IAMDatabaseAuthenticationEnabled": True}
    now = rds.modify_db_instance(DBInstanceIdentifier="legacy", EnableIAMDatabaseAuthentication=True, ApplyImmediately=True)["DBInstance"]
    assert now["IAMDatabaseAuthenticationEnabled"] is True and now["PendingModifiedValues"] == {}
    cluster = rds.modify_db_cluster(DBClusterIdentifier="aurora", EnableIAMDatabaseAuthentication=True, ApplyImmediately=True)["DBCluster"]
    assert cluster["IAMDatabaseAuthenticationEnabled"] is True
    assert rds.describe_db_clusters(DBClusterIdentifier="aurora")["DBClusters"][0]["IAMDatabaseAuthenticationEnabled"] is True


def test_rds_through_the_aws_cli(env):
    # aws CLI v1 pins rds in us-east-1 to https://rds.amazonaws.com (its SSL common-name override)
    # unless --endpoint-url is given, ignoring AWS_ENDPOINT_URL: pass the lab's URL explicitly.
    endpoint = ["--endpoint-url", env["AWS_ENDPOINT_URL"]]
    result = cli(env, "rds", "describe-db-instances", "--filters", "Name=engine,Values=postgres", *endpoint)
    assert result.returncode == 0, result.stderr
    assert [db["DBInstanceIdentifier"] for db in json.loads(result.stdout)["DBInstances"]] == ["orders"]
    missing = cli(env, "rds", "describe-db-instances", "--db-instance-identifier", "nope", *endpoint)
    assert missing.returncode != 0
    assert "An error occurred (DBInstanceNotFound) when calling the DescribeDBInstances operation: DBInstance nope not found." in missing.stderr


# Secrets Manager

def test_secrets_manager_lifecycle(aws):
    sm = aws("secretsmanager")
    created = sm.create_secret(Name="svc/pg", SecretString="one", Description="pg login", Tags=[{"Key": "env", "Value": "lab"}])
    assert created["ARN"].startswith(f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:svc/pg-") and len(created["ARN"].rsplit("-", 1)[1]) == 6
    first = sm.get_secret_value(SecretId=created["ARN"])
    assert first["SecretString"] == "one" and first["VersionStages"] == ["AWSCURRENT"] and first["VersionId"] == created["VersionId"]
    put = sm.put_secret_value(SecretId="svc/pg", SecretString="two")
    assert sm.get_secret_value(SecretId="svc/pg")["SecretString"] == "two"
    previous = sm.get_secret_value(SecretId="svc/pg", VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == "one" and previous["VersionId"] == created["VersionId"]
    assert sm.get_secret_value(SecretId="svc/pg", VersionId=created["VersionId"])["VersionStages"] == ["AWSPREVIOUS"]
    described = sm.describe_secret(SecretId="svc/pg")
    assert described["Description"] == "pg login" and described["Tags"] == [{"Key": "env", "Value": "lab"}]
    assert described["VersionIdsToStages"] == {put["VersionId"]: ["AWSCURRENT"], created["VersionId"]: ["AWSPREVIOUS"]}
    assert described["CreatedDate"].year >= 2025  # epoch seconds, parsed by botocore
    binary = sm.create_secret(Name="svc/blob", SecretBinary=b"\x00\x01binary")
    assert sm.get_secret_value(SecretId=binary["ARN"])["SecretBinary"] == b"\x00\x01binary"


def test_secrets_manager_list_and_errors(aws):
    sm = aws("secretsmanager")
    for name in ["team/a", "team/b"]:
        sm.create_secret(Name=name, SecretString="x")
    names = [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "name", "Values": ["team/"]}])["SecretList"]]
    assert names == ["team/a", "team/b"]
    page = sm.list_secrets(MaxResults=2)
    assert len(page["SecretList"]) == 2 and "NextToken" in page
    everything = [s["Name"] for p in sm.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": 2}) for s in p["SecretList"]]
    assert everything == ["app/db", "team/a", "team/b"]
    with pytest.raises(sm.exceptions.ResourceNotFoundException) as raised:
        sm.get_secret_value(SecretId="nope")
    assert error_of(raised) == ("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400)
    with pytest.raises(sm.exceptions.ResourceExistsException):
        sm.create_secret(Name="app/db", SecretString="again")
    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.get_secret_value(SecretId="app/db", VersionStage="AWSPENDING")


def test_secrets_manager_through_the_aws_cli(env):
    result = cli(env, "secretsmanager", "get-secret-value", "--secret-id", "app/db")
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout)["SecretString"])["password"] == "first"


# Redshift Serverless

def test_redshift_serverless_workgroup_and_credentials(aws):
    rs = aws("redshift-serverless")
    workgroup = rs.get_workgroup(workgroupName="analytics")["workgroup"]
    assert workgroup["endpoint"]["address"] == f"analytics.{ACCOUNT}.{REGION}.redshift-serverless.amazonaws.com"
    assert workgroup["endpoint"]["port"] == 5439 and workgroup["status"] == "AVAILABLE"
    assert workgroup["workgroupArn"].startswith(f"arn:aws:redshift-serverless:{REGION}:{ACCOUNT}:workgroup/")
    credentials = rs.get_credentials(workgroupName="analytics", dbName="dev", durationSeconds=1800)
    assert credentials["dbUser"] == "IAM:alice" and len(credentials["dbPassword"]) > 20
    assert abs(credentials["expiration"].timestamp() - time.time() - 1800) < 60
    assert credentials["nextRefreshTime"] <= credentials["expiration"]
    for duration in (899, 3601):
        with pytest.raises(rs.exceptions.ValidationException):
            rs.get_credentials(workgroupName="analytics", durationSeconds=duration)
    with pytest.raises(rs.exceptions.ResourceNotFoundException) as raised:
        rs.get_workgroup(workgroupName="nope")
    assert error_of(raised) == ("ResourceNotFoundException", "Serverless workgroup nope not found.", 400)


# Bad requests

def signed_post(url, target, body, key=ALICE_KEY, secret=ALICE_SECRET, service="secretsmanager"):
    request = botocore.awsrequest.AWSRequest(method="POST", url=url + "/", data=body, headers={
        "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), service, REGION).add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(raw, timeout=10) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, {"raw": text.decode(errors="replace")}


def test_bad_signatures_and_bodies_get_aws_errors_and_the_mock_stays_up(lab, env, aws, tmp_path):
    wrong = client_env(lab, tmp_path, AWS_ACCESS_KEY_ID=ALICE_KEY, AWS_SECRET_ACCESS_KEY="not-the-secret")
    with environment(wrong):
        with pytest.raises(ClientError) as raised:
            boto3.session.Session().client("rds").describe_db_instances()
        assert error_of(raised)[0] == "SignatureDoesNotMatch"
        with pytest.raises(ClientError) as raised:
            boto3.session.Session().client("secretsmanager").list_secrets()
        assert error_of(raised)[0] == "InvalidSignatureException"
    unknown = client_env(lab, tmp_path, AWS_ACCESS_KEY_ID="AKIAUNKNOWNEXAMPLE00", AWS_SECRET_ACCESS_KEY="x")
    with environment(unknown), pytest.raises(ClientError) as raised:
        boto3.session.Session().client("rds").describe_db_instances()
    assert error_of(raised)[0] == "InvalidClientTokenId"
    for body in [b"garbage", b'{"SecretId": 42}', b"[1, 2]", base64.b64encode(bytes(range(256)))]:
        status, answer = signed_post(lab, "secretsmanager.GetSecretValue", body)
        assert (status, answer["__type"]) == (400, "SerializationException")
    status, answer = signed_post(lab, "RedshiftServerless.GetCredentials", b'{"workgroupName": 7}', service="redshift-serverless")
    assert (status, answer["__type"]) == (400, "SerializationException")
    try:  # over the 1 MiB limit: a 413, or the connection closed before the body is all sent
        status, _ = signed_post(lab, "secretsmanager.GetSecretValue", b"x" * (2 << 20))
        assert status == 413
    except (ConnectionError, urllib.error.URLError):
        pass
    assert admin(lab, "imds", b"{not json")[0] == 400
    assert admin(lab, "imds", {"mode": ["normal"]})[0] == 400
    assert admin(lab, "clock", {"advanceSeconds": "soon"})[0] == 400
    assert aws("sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
