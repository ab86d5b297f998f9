"""Mock STS and IAM driven by unmodified boto3 and the aws CLI through AWS_ENDPOINT_URL."""
import json
import pathlib
import subprocess

import boto3
import botocore.exceptions
import pytest

from lab import Lab

HERE = pathlib.Path(__file__).resolve().parent
KEYS = {
    "alice": ("AKIAALICEEXAMPLE0001", "alice-secret-EXAMPLE"),
    "bob": ("AKIABOBEXAMPLE000001", "bob-secret-EXAMPLE"),
    "carol": ("AKIACAROLEXAMPLE0001", "carol-secret-EXAMPLE"),
    "dave": ("AKIADAVEEXAMPLE00001", "dave-secret-EXAMPLE"),
}


@pytest.fixture(scope="module")
def lab(dbtunnel, tmp_path_factory):
    lab = Lab(dbtunnel, str(HERE / "labs" / "iam.yaml"), tmp_path_factory.mktemp("iam-lab"))
    yield lab
    lab.stop()


def client(lab, service, user=None, credentials=None):
    if credentials is None:
        key, secret = KEYS[user]
        credentials = {"aws_access_key_id": key, "aws_secret_access_key": secret}
    return boto3.session.Session(**credentials, region_name="us-east-1").client(
        service, endpoint_url=lab.env["AWS_ENDPOINT_URL"])


def session_credentials(response):
    c = response["Credentials"]
    return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
            "aws_session_token": c["SessionToken"]}


def assume(lab, user, role_arn, **kwargs):
    return client(lab, "sts", user).assume_role(RoleArn=role_arn, RoleSessionName="checks", **kwargs)


def denial(error):
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_get_caller_identity_names_the_signing_user(lab):
    identity = client(lab, "sts", "alice").get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::111111111111:user/alice"
    assert identity["Account"] == "111111111111"


def test_assume_role_trusted_by_user_arn_returns_working_temporary_credentials(lab):
    response = assume(lab, "alice", "arn:aws:iam::111111111111:role/trusts-alice")
    assert response["AssumedRoleUser"]["Arn"] == "arn:aws:sts::111111111111:assumed-role/trusts-alice/checks"
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")
    identity = client(lab, "sts", credentials=session_credentials(response)).get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::111111111111:assumed-role/trusts-alice/checks"


def test_trust_relationship_missing_is_access_denied_with_aws_text(lab):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        assume(lab, "bob", "arn:aws:iam::111111111111:role/trusts-alice")
    assert denial(error) == ("AccessDenied", "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: "
                             "sts:AssumeRole on resource: arn:aws:iam::111111111111:role/trusts-alice")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert str(error.value) == ("An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
                                "arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole "
                                "on resource: arn:aws:iam::111111111111:role/trusts-alice")


def test_trust_naming_the_account_needs_the_identity_policy(lab):
    assert assume(lab, "alice", "arn:aws:iam::111111111111:role/trusts-account")["Credentials"]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        assume(lab, "bob", "arn:aws:iam::111111111111:role/trusts-account")
    assert denial(error)[0] == "AccessDenied"


def test_cross_account_role_needs_the_callers_identity_policy(lab):
    role = "arn:aws:iam::222222222222:role/cross-account"
    assert assume(lab, "alice", role)["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::222222222222:assumed-role/")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        assume(lab, "bob", role)
    assert denial(error) == ("AccessDenied", f"User: arn:aws:iam::111111111111:user/bob is not authorized to "
                             f"perform: sts:AssumeRole on resource: {role}")


def test_permissions_boundary_without_assume_role_denies(lab):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        assume(lab, "carol", "arn:aws:iam::111111111111:role/trusts-account")
    assert denial(error)[0] == "AccessDenied"


def test_external_id_must_match(lab):
    role = "arn:aws:iam::111111111111:role/needs-external-id"
    assert assume(lab, "alice", role, ExternalId="expected-external-id")["Credentials"]
    for wrong in ({"ExternalId": "wrong"}, {}):
        with pytest.raises(botocore.exceptions.ClientError) as error:
            assume(lab, "alice", role, **wrong)
        assert denial(error)[0] == "AccessDenied"


def test_role_chaining_is_capped_at_one_hour_and_denials_name_the_session(lab):
    first = assume(lab, "alice", "arn:aws:iam::111111111111:role/trusts-alice")
    sts = client(lab, "sts", credentials=session_credentials(first))
    target = "arn:aws:iam::111111111111:role/chained-target"
    assert sts.assume_role(RoleArn=target, RoleSessionName="hop2", DurationSeconds=3600)["Credentials"]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        sts.assume_role(RoleArn=target, RoleSessionName="hop2", DurationSeconds=7200)
    assert denial(error) == ("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit "
                             "for roles assumed by role chaining.")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/needs-external-id", RoleSessionName="hop2")
    assert denial(error)[1].startswith("User: arn:aws:sts::111111111111:assumed-role/trusts-alice/checks is not "
                                       "authorized to perform: sts:AssumeRole on resource: ")


def connect_statement(index):
    return {"Effect": "Allow", "Action": "rds-db:connect",
            "Resource": f"arn:aws:rds-db:us-east-1:111111111111:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWX{index:02d}/alice"}


def test_user_inline_policies_stop_at_2048_bytes_with_aws_text(lab):
    iam = client(lab, "iam", "dave")
    statements = []
    with pytest.raises(botocore.exceptions.ClientError) as error:
        for index in range(40):
            statements.append(connect_statement(index))
            document = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
            iam.put_user_policy(UserName="bob", PolicyName="connect-all", PolicyDocument=document)
    assert denial(error) == ("LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user bob")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    # The fix the docs give: one statement with a wildcard resource.
    wildcard = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect",
                                                        "Resource": "arn:aws:rds-db:us-east-1:111111111111:dbuser:*/alice"}]}
    iam.put_user_policy(UserName="bob", PolicyName="connect-all", PolicyDocument=json.dumps(wildcard))
    assert iam.list_user_policies(UserName="bob")["PolicyNames"] == ["connect-all"]


def test_role_inline_policies_stop_at_10240_bytes_and_whitespace_is_free(lab):
    iam = client(lab, "iam", "dave")
    statements = [connect_statement(index) for index in range(60)]
    compact = json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))
    assert len(compact) < 10240 < len(json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=8))
    iam.put_role_policy(RoleName="big-role", PolicyName="connect", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}, indent=8))
    more = json.dumps({"Version": "2012-10-17", "Statement": [connect_statement(i) for i in range(60, 90)]})
    with pytest.raises(botocore.exceptions.ClientError) as error:
        iam.put_role_policy(RoleName="big-role", PolicyName="more", PolicyDocument=more)
    assert denial(error) == ("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role big-role")


def test_iam_calls_are_authorized_and_malformed_documents_refused(lab):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(lab, "iam", "bob").put_user_policy(UserName="bob", PolicyName="x", PolicyDocument="{}")
    assert denial(error)[0] == "AccessDenied"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(lab, "iam", "dave").put_user_policy(UserName="bob", PolicyName="x", PolicyDocument='{"Statement": "nope"')
    assert denial(error)[0] == "MalformedPolicyDocument"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(lab, "iam", "dave").get_user_policy(UserName="nobody", PolicyName="x")
    assert denial(error) == ("NoSuchEntity", "The user with name nobody cannot be found.")


def test_wrong_signature_unknown_key_and_garbage_get_aws_errors_and_the_mock_stays_up(lab):
    wrong = {"aws_access_key_id": KEYS["alice"][0], "aws_secret_access_key": "not-her-secret"}
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(lab, "sts", credentials=wrong).get_caller_identity()
    assert denial(error)[0] == "SignatureDoesNotMatch"
    unknown = {"aws_access_key_id": "AKIANOBODYEXAMPLE001", "aws_secret_access_key": "x"}
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(lab, "sts", credentials=unknown).get_caller_identity()
    assert denial(error) == ("InvalidClientTokenId", "The security token included in the request is invalid.")
    import urllib.request
    for body in (b"\x00\xff garbage", b"Action=", b"A" * 200_000):
        request = urllib.request.Request(lab.env["AWS_ENDPOINT_URL"], data=body, method="POST")
        try:
            urllib.request.urlopen(request, timeout=10)
            assert False, "garbage was accepted"
        except urllib.error.HTTPError as http_error:
            assert http_error.code in (400, 403, 413)
    assert client(lab, "sts", "alice").get_caller_identity()["Account"] == "111111111111"


def test_aws_cli_sees_the_same_denial(lab):
    env = lab.environment(AWS_ACCESS_KEY_ID=KEYS["bob"][0], AWS_SECRET_ACCESS_KEY=KEYS["bob"][1])
    result = subprocess.run(["aws", "sts", "assume-role", "--role-arn", "arn:aws:iam::111111111111:role/trusts-alice",
                             "--role-session-name", "cli"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert ("An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
            "arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: "
            "arn:aws:iam::111111111111:role/trusts-alice") in result.stderr
