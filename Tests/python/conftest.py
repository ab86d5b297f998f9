import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def dbtunnel():
    """The dbtunnel binary `make test` built (override with DBTUNNEL_BIN)."""
    path = pathlib.Path(os.environ.get("DBTUNNEL_BIN", ROOT / ".build" / "debug" / "dbtunnel"))
    assert path.exists(), f"{path} is missing: run `make build` first"
    return str(path)


@pytest.fixture
def aws_env(tmp_path):
    """An environment with no AWS configuration but what a test adds (HOME is a temp dir)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(tmp_path)
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["AWS_CONFIG_FILE"] = str(tmp_path / "config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "credentials")
    return env
