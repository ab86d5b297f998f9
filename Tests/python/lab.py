"""Starting and stopping a dbtunnel lab from python tests."""
import os
import re
import subprocess


class Lab:
    def __init__(self, dbtunnel, lab_file, state_dir):
        self.dbtunnel = dbtunnel
        self.state_dir = str(state_dir)
        up = subprocess.run([dbtunnel, "lab", "up", lab_file, "--state-dir", self.state_dir],
                            capture_output=True, text=True, timeout=180)
        assert up.returncode == 0, up.stderr
        self.env = dict(re.findall(r"^export (\w+)='(.*)'$", up.stdout, re.M))
        assert "AWS_ENDPOINT_URL" in self.env, up.stdout

    def environment(self, **overrides):
        """os.environ without the developer's AWS settings, plus the lab's, plus overrides."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(self.env)
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def stop(self):
        subprocess.run([self.dbtunnel, "lab", "down", "--state-dir", self.state_dir],
                       capture_output=True, text=True, timeout=60)
