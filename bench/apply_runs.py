"""Applies N one-stage TrainingRuns to the API server of $KUBECONFIG by server-side apply, the
request `kubectl apply --server-side` sends (PATCH application/apply-patch+yaml, field manager
kubectl, strict field validation), from one process over 8 kept-alive connections, and prints the
CPU seconds this client spent: on two cores, 16 kubectl processes spent 8-9 CPU seconds on 1,000
runs, which would be time taken from the API server and the operator under test.

    python3 bench/apply_runs.py N NAMESPACE
"""
import base64
import http.client
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

n, namespace = int(sys.argv[1]), sys.argv[2]
config = json.loads(
    subprocess.check_output(["kubectl", "config", "view", "--raw", "--minify", "-o", "json"]))
cluster, user = config["clusters"][0]["cluster"], config["users"][0]["user"]


def pem(data):
    file = tempfile.NamedTemporaryFile(delete=False)
    file.write(base64.b64decode(data))
    file.close()
    return file.name


context = ssl.create_default_context(cafile=pem(cluster["certificate-authority-data"]))
context.load_cert_chain(pem(user["client-certificate-data"]), pem(user["client-key-data"]))
host, port = cluster["server"].removeprefix("https://").split(":")
local = threading.local()


def apply(i):
    if not hasattr(local, "connection"):
        local.connection = http.client.HTTPSConnection(host, int(port), context=context)
    name = f"run-{i:04d}"
    run = {
        "apiVersion": "emergent.dev/v1alpha1",
        "kind": "TrainingRun",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "model": {"layers": 1, "dModel": 32, "heads": 2, "contextLength": 16},
            "mesh": {"axes": [{"name": "data", "size": 1}]},
            "checkpoint": {"storage": {"size": "1Gi"}},
            "stages": [{"name": "pretrain", "type": "Pretrain",
                        "data": {"builtin": "arithmetic"}, "steps": 10}],
        },
    }
    local.connection.request(
        "PATCH",
        f"/apis/emergent.dev/v1alpha1/namespaces/{namespace}/trainingruns/{name}"
        "?fieldManager=kubectl&fieldValidation=Strict",
        body=json.dumps(run),
        headers={"Content-Type": "application/apply-patch+yaml"})
    response = local.connection.getresponse()
    body = response.read()
    if response.status >= 300:
        sys.exit(f"applying {name}: HTTP {response.status} {body[:300]!r}")


with ThreadPoolExecutor(8) as pool:
    list(pool.map(apply, range(n)))
times = os.times()
print(f"{times.user + times.system + times.children_user + times.children_system:.1f}")
