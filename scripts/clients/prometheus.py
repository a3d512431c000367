"""Client-compatibility check of /q/metrics as Prometheus tooling reads it (see the helper convention:
MODELPORT_URL, MODELPORT_DEPLOYMENTS; prints PASS/FAIL/SKIP lines, exits 1 on any FAIL).

- curl-like clients (Accept: */*, none, text/plain) get the Prometheus text format 0.0.4;
- an explicit Accept: application/openmetrics-text gets OpenMetrics (ending with "# EOF");
- Debian's `promtool check metrics` finds nothing to complain about (skipped when promtool is missing);
- after an inference on the text-classification and text-generation deployments (when given), their
  time-split histograms have samples.
Standard library only, so it runs without any client package installed.
"""
import json
import re
import shutil
import subprocess
import sys
import urllib.request

from clientkit import DEPLOYMENTS, URL as BASE, exit_code, run as check
TEXT_FORMAT = "text/plain; version=0.0.4"
def get(path, accept=None):
    request = urllib.request.Request(BASE + path)
    if accept is not None:
        request.add_header("Accept", accept)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def post(path, body):
    request = urllib.request.Request(BASE + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status


def text_format(accept):
    def test():
        status, content_type, body = get("/q/metrics", accept)
        if status != 200 or not content_type.startswith(TEXT_FORMAT):
            return f"{status} {content_type}"
        return "OpenMetrics end marker in the text format" if "# EOF" in body else None
    return test


def openmetrics():
    status, content_type, body = get("/q/metrics", "application/openmetrics-text")
    if status != 200 or not content_type.startswith("application/openmetrics-text"):
        return f"{status} {content_type}"
    return None if body.endswith("# EOF\n") else "no # EOF at the end"


for accept, call in [("*/*", "accept-any"), (None, "no-accept"), ("text/plain", "accept-text"),
                     ("application/json", "accept-json")]:
    check("http", f"metrics-{call}", text_format(accept))
check("http", "metrics-openmetrics", openmetrics)

inferred = []
for task, inputs, parameters in [("text-classification", "I love it", {}),
                                  ("text-generation", "Hello", {"max_new_tokens": 4})]:
    entry = DEPLOYMENTS.get(task)
    if not entry:
        print(f"SKIP http time-split-{task}: no such deployment")
        continue
    post(f"/api/v1/deployments/{entry['id']}/inference", {"inputs": inputs, "parameters": parameters})
    inferred.append((task, entry["id"]))


def time_split(task, deployment):
    def test():
        _, _, body = get("/q/metrics", "*/*")
        names = ["modelport_queue_duration_seconds", "modelport_tokenization_seconds",
                 "modelport_inference_compute_seconds", "modelport_batch_tokens"]
        if task == "text-generation":
            names += ["modelport_time_to_first_token_seconds", "modelport_inter_token_latency_seconds"]
        missing = [n for n in names if not re.search(
            rf'^{n}_count{{[^}}]*deployment="{re.escape(deployment)}"[^}}]*}} [1-9]', body, re.M)]
        return f"no samples in {missing}" if missing else None
    return test


for task, deployment in inferred:
    check("http", f"time-split-{task}", time_split(task, deployment))

promtool = shutil.which("promtool")
if promtool is None:
    print("SKIP promtool: not installed (Debian's prometheus package)")
else:
    def lint():
        _, _, body = get("/q/metrics", "*/*")
        result = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True, timeout=60)
        problems = (result.stdout + result.stderr).strip()
        return None if result.returncode == 0 and not problems else problems.replace("\n", "; ")
    check("promtool", "check-metrics", lint)

sys.exit(exit_code())
