#!/usr/bin/env python3
"""Ingest and delivery throughput of the gateway on SQLite, on PostgreSQL with one node, and on PostgreSQL with two.

Every run starts fresh: a new SQLite file or a new PostgreSQL database on a throwaway server this script starts
(durable settings: fsync and synchronous_commit on, as a production server would have them), one or two
`credit-gateway serve` processes, and the stand-in receivers inside the first node. Senders POST generated
wz-bidding batches (3 hub records and 2 publishable credit records per copy of the sample's projects and case)
round-robin over the nodes; delivery runs at the same time. Measured:

- ingest: hub records accepted per second, from the first POST to the last answer;
- delivery: hub records plus publications held by the stand-ins per second, from the first POST until the
  receivers hold everything (the outbox drained).

Usage: store_bench.py --bin .build/release/credit-gateway --root . --out bench-out/store
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "bench-token"


def log(message):
    print(f"[bench-store {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_batches(root, count, copies):
    """`count` batches of `copies` copies of the wz-bidding sample's projects and serious penalty, with ids of their own."""
    with open(os.path.join(root, "Mappings/tests/wz-bidding/WZJY-20241125-07.xml"), encoding="utf-8") as f:
        sample = f.read()
    head, rest = sample.split("<Payload>", 1)
    payload, tail = rest.split("</Payload>", 1)
    projects = payload[: payload.index("<Enforcement>")]
    enforcement = payload[payload.index("<Enforcement>") + len("<Enforcement>") : payload.index("</Enforcement>")]
    serious = enforcement[: enforcement.index('<Case id="WZJG-CF-2024-020"')]
    batches = []
    for b in range(count):
        body_projects, body_cases = [], []
        for c in range(copies):
            body_projects.append(projects.replace("-2024-0", f"-B{b}x{c}-0"))
            body_cases.append(serious.replace("-2024-0", f"-B{b}x{c}-0"))
        text = (
            head.replace("WZJY-20241125-07", f"BENCH-{b}")
            + "<Payload>"
            + "".join(body_projects)
            + "<Enforcement>"
            + "".join(body_cases)
            + "</Enforcement></Payload>"
            + tail
        )
        batches.append(text.encode("utf-8"))
    return batches


class Postgres:
    """A throwaway PostgreSQL server with production durability, as the postgres user when this runs as root."""

    def __init__(self, bin_dir):
        self.bin = bin_dir
        self.dir = tempfile.mkdtemp(prefix="store-bench-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.as_root = os.getuid() == 0
        if self.as_root:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)

    def _server(self, *args):
        command = [os.path.join(self.bin, args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/", close_fds=True)

    def start(self):
        self._server("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c max_connections=200"
        self._server("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-o", options, "start")
        log(f"PostgreSQL on 127.0.0.1:{self.port} (fsync and synchronous_commit on)")

    def create_database(self, name):
        subprocess.run(
            [os.path.join(self.bin, "psql"), "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
             "-c", f"CREATE DATABASE {name}"],
            check=True, stdout=subprocess.DEVNULL)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}?sslmode=disable"

    def stop(self):
        try:
            self._server("pg_ctl", "-D", self.data, "-m", "fast", "stop")
        except Exception as error:  # noqa: BLE001 - best effort on the way out
            log(f"stopping PostgreSQL: {error}")
        shutil.rmtree(self.dir, ignore_errors=True)


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def post(url, body):
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/xml", "Expect": ""})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, None


def run(args, name, store, nodes, batches, expected_hub, expected_publications, out):
    directory = os.path.join(out, name)
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    hub_port, publisher_port = free_port(), free_port()
    config = os.path.join(directory, "gateway.yaml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f"""store: "{store}"
mappingsDirectory: "{os.path.join(args.root, 'Mappings')}"
deliveryLeaseSeconds: 60
limits: {{maxRecordsPerBatch: 1000000, requestsPerMinutePerSource: 1000000, concurrentBatchesPerSource: 64}}
destinations:
  hub: {{baseURL: "http://127.0.0.1:{hub_port}"}}
  publisher: {{baseURL: "http://127.0.0.1:{publisher_port}"}}
sources:
  - {{id: "wz-bidding", tokenSHA256: "{hashlib.sha256(TOKEN.encode()).hexdigest()}", domains: ["CONSTRUCTION"]}}
""")
    processes, ports = [], []
    try:
        for index in range(nodes):
            port = free_port()
            command = [args.bin, "serve", "--config", config, "--port", str(port), "--data-dir", os.path.join(directory, f"node-{index}")]
            if index == 0:
                command += ["--stand-ins", "--stand-in-ports", f"{hub_port},{publisher_port}"]
            with open(os.path.join(directory, f"node-{index}.log"), "wb") as node_log:
                processes.append(subprocess.Popen(command, stdout=node_log, stderr=subprocess.STDOUT))
            ports.append(port)
        for port in ports:
            for _ in range(300):
                try:
                    get_json(f"http://127.0.0.1:{port}/health")
                    break
                except Exception:  # noqa: BLE001 - not up yet
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"node on port {port} did not come up; see {directory}")

        log(f"{name}: {len(batches)} batches, {args.senders} senders over {nodes} node(s)")
        started = time.monotonic()
        accepted = 0

        def send(index):
            status, receipt = post(f"http://127.0.0.1:{ports[index % nodes]}/v1/batches", batches[index])
            if status not in (200, 201):
                raise RuntimeError(f"batch {index} answered {status}")
            return len(receipt["accepted"])

        with concurrent.futures.ThreadPoolExecutor(args.senders) as pool:
            accepted = sum(pool.map(send, range(len(batches))))
        ingested = time.monotonic() - started

        delivered_at = None
        held = published = 0
        while time.monotonic() - started < args.timeout:
            held = len(get_json(f"http://127.0.0.1:{hub_port}/_standin/state")["records"])
            published = len(get_json(f"http://127.0.0.1:{publisher_port}/_standin/state")["publications"])
            if held >= expected_hub and published >= expected_publications:
                delivered_at = time.monotonic() - started
                break
            time.sleep(0.2)
        if delivered_at is None:
            raise RuntimeError(f"{name}: receivers hold {held}/{expected_hub} records, {published}/{expected_publications} publications")
        result = {
            "run": name, "nodes": nodes, "batches": len(batches), "hubRecords": accepted,
            "ingestSeconds": round(ingested, 2), "ingestRecordsPerSecond": round(accepted / ingested, 1),
            "deliveredSeconds": round(delivered_at, 2),
            "deliveryPerSecond": round((held + published) / delivered_at, 1),
        }
        log(json.dumps(result, ensure_ascii=False))
        return result
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--pg-bin", required=True)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--copies", type=int, default=50, help="copies of the sample's records per batch")
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    args.root = os.path.abspath(args.root)
    os.makedirs(args.out, exist_ok=True)

    batches = make_batches(args.root, args.batches, args.copies)
    expected_hub = 3 * args.copies * args.batches
    expected_publications = 2 * args.copies * args.batches
    postgres = Postgres(args.pg_bin)
    results = []
    try:
        postgres.start()
        results.append(run(args, "sqlite-1-node", f"sqlite:{os.path.abspath(os.path.join(args.out, 'sqlite-1-node', 'gateway.sqlite'))}",
                           1, batches, expected_hub, expected_publications, args.out))
        results.append(run(args, "postgres-1-node", postgres.create_database("bench_one"), 1, batches, expected_hub, expected_publications, args.out))
        results.append(run(args, "postgres-2-nodes", postgres.create_database("bench_two"), 2, batches, expected_hub, expected_publications, args.out))
    finally:
        postgres.stop()

    lines = [
        f"Store throughput: {args.batches} batches of {3 * args.copies} hub records and {2 * args.copies} publishable credit records, "
        f"{args.senders} concurrent senders; delivery to the stand-ins runs during ingest.",
        "",
        "| run | nodes | hub records | ingest s | ingest records/s | all delivered after s | delivered (records + publications)/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['run']} | {r['nodes']} | {r['hubRecords']} | {r['ingestSeconds']} | {r['ingestRecordsPerSecond']} | "
            f"{r['deliveredSeconds']} | {r['deliveryPerSecond']} |")
    report = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as f:
        f.write(report)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
    print(report)


if __name__ == "__main__":
    main()
