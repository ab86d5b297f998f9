"""Baseline for `make bench`: botocore's own generate_db_auth_token, same inputs, same loop."""
import sys
import time

import botocore.session

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
client = botocore.session.get_session().create_client(
    "rds", region_name="us-east-1",
    aws_access_key_id="AKIDEXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    aws_session_token="IQoJb3JpZ2luX2VjEXAMPLEsessiontoken",
)
count = 0
start = time.perf_counter()
deadline = start + seconds
while time.perf_counter() < deadline:
    for _ in range(64):
        client.generate_db_auth_token("mydb.abcdefghijkl.us-east-1.rds.amazonaws.com", 5432, "iam_user")
    count += 64
print(f"tokens_per_second={int(count / (time.perf_counter() - start))}")
