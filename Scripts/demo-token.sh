#!/usr/bin/env bash
# `make demo` (foundation stage): signs an RDS IAM token with demo credentials and shows that
# the aws CLI prints the very same token for the same second. Touches no network.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
host=mydb.abcdefghijkl.us-east-1.rds.amazonaws.com
for attempt in 1 2 3 4 5; do
  ours=$(.build/debug/dbtunnel token --uri "$host:5432" --db-user iam_user)
  theirs=$(aws rds generate-db-auth-token --hostname "$host" --port 5432 --username iam_user --region us-east-1)
  [ "${ours#*X-Amz-Date=}" != "${ours}" ] && [ "$(grep -o 'X-Amz-Date=[^&]*' <<<"$ours")" = "$(grep -o 'X-Amz-Date=[^&]*' <<<"$theirs")" ] && break
done
echo "dbtunnel token --uri $host:5432 --db-user iam_user"
echo "  $ours"
echo "aws rds generate-db-auth-token (same second):"
echo "  $theirs"
if [ "$ours" = "$theirs" ]; then echo "identical."; else echo "DIFFERENT" >&2; exit 1; fi
