"""Open-loop HTTP load against the real server: ``python -m benchmarks.load``.

A fresh database gets the demo city (``flask --app web demo``) and an API token (``flask
--app web token create``); the real server starts on 127.0.0.1 (waitress for one worker,
gunicorn for more); then searches (``GET /match``) and writes (``POST /posts``, Bearer
token) are sent at fixed rates, each at its scheduled time whether or not earlier
requests have answered (open loop: a slow server cannot slow the load down, and latency
is counted from the scheduled time, so queueing shows). Afterwards every post the server
acknowledged (201) is fetched by id and searched for at its public point, by every
worker: nothing written may be lost. Rate limits are switched off for the run.

``--closed-loop`` measures saturation instead: ``--connections`` keep-alive connections
each send their next search when the previous answer arrives, for ``--duration`` s; then
the same against a floor (``benchmarks.floor``: a minimal Flask app answering a fixed
collection of the same size, under granian with one worker), and the ratio of the two
throughputs. No writes in that mode.

Exits non-zero on any error or lost write. The client shares the machine with the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np

from benchmarks import city
from matcher import Region

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY_FILE = ROOT / "data" / "grenoble-boundary.geojson"
CITY_SLUG = "grenoble"
DEMO_EMAIL = "demo@voisinage.test"
SEARCH_RADII_M = (30, 250, 1_000, 3_000)  # the API's scales
TARGET_P50_MS, TARGET_P99_MS = 3.0, 50.0
# Every result says it: limits would answer 429 to one client at these rates.
RATE_LIMITS_ENABLED = False
SERVERS = ("waitress", "gunicorn", "gthread", "granian")
MAKE_RUN_SERVER = "granian"  # as the Makefile's `run` target, chosen by these runs
MAKE_RUN_THREADS = 1  # granian's blocking threads per worker, as the Makefile's THREADS


@dataclass
class Outcome:
    kind: str  # "search" or "write"
    scheduled: float
    late_s: float  # from the scheduled time to the end of the answer
    service_s: float  # from sending to the end of the answer
    status: int  # 0 when the request failed before any answer
    post_id: int | None = None
    point: tuple[float, float] | None = None
    category: str | None = None


@dataclass
class Workload:
    """Pre-computed request parameters: query centres and write points inside the city."""

    searches: list[dict[str, Any]]
    writes: list[dict[str, Any]]

    @classmethod
    def make(cls, seed: int, searches: int, writes: int) -> Workload:
        region = Region.from_geojson(json.loads(BOUNDARY_FILE.read_text(encoding="utf-8")))
        town = city.generate(max(20_000, 4 * (searches + writes)), seed=seed + 100)
        queries = city.queries(town, 4 * (searches + writes), seed=seed + 101)
        inside = [
            row
            for row in zip(
                queries.lat.tolist(), queries.lon.tolist(), queries.category, strict=True
            )
            if region.contains(row[0], row[1])
        ]
        if len(inside) < searches + writes:
            raise RuntimeError("too few points inside the demo city's boundary")
        rng = np.random.default_rng(seed)
        search_params = []
        for number, (lat, lon, category) in enumerate(inside[:searches]):
            params: dict[str, Any] = {
                "lat": f"{lat:.6f}",
                "lon": f"{lon:.6f}",
                "radius": SEARCH_RADII_M[number % len(SEARCH_RADII_M)],
            }
            if category is not None:
                params["category"] = category
            search_params.append(params)
        write_bodies = [
            {
                "kind": "offer" if rng.random() < city.OFFER_SHARE else "request",
                "category": category or city.CATEGORIES[0],
                "title": f"Load test post {number}",
                "body": "Written by benchmarks.load.",
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "precision": "building",
            }
            for number, (lat, lon, category) in enumerate(inside[searches : searches + writes])
        ]
        return cls(search_params, write_bodies)


def start_serving(
    command: list[str], env: dict[str, str], port: int, log: Path, timeout_s: float
) -> subprocess.Popen[bytes]:
    """Start a server in its own session (so that it and its workers stop together) and
    wait until a /match on ``port`` answers 200; its output goes to ``log``."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: see {log}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", f"/api/v1/{CITY_SLUG}/match?lat=45.19&lon=5.72")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return process
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer in {timeout_s:g} s: see {log}")


@dataclass
class Server:
    """The real server in its own session (so that it and its workers stop together)."""

    workers: int
    kind: str
    port: int
    env: dict[str, str]
    threads: int = MAKE_RUN_THREADS  # granian's blocking threads per worker
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    ready_s: float = 0.0  # from the command to the first /match answered

    def command(self) -> list[str]:
        address = f"127.0.0.1:{self.port}"
        if self.kind == "waitress":
            return [sys.executable, "-m", "waitress", f"--listen={address}", "--threads=8",
                    "--call", "web:create_app"]  # fmt: skip
        if self.kind == "granian":  # each worker builds its own indexes
            return [sys.executable, "-m", "granian", "--interface", "wsgi", "--factory",
                    "--workers", str(self.workers), "--blocking-threads", str(self.threads),
                    "--host", "127.0.0.1", "--port",
                    str(self.port), "--no-access-log", "web:create_app"]  # fmt: skip
        # the indexes built once before the fork; sync workers: one request at a time each
        threads = ["--worker-class", "gthread", "--threads", "4"] if self.kind == "gthread" else []
        return [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(self.workers),
                *threads, "--bind", address, "web:create_app()"]  # fmt: skip

    @property
    def label(self) -> str:
        """The server as the reports name it (granian with its threads per worker)."""
        return f"{self.kind} ({self.threads} thread(s))" if self.kind == "granian" else self.kind

    def start(self, log: Path) -> None:
        self.log = log
        started = time.perf_counter()
        self.process = start_serving(self.command(), self.env, self.port, log, timeout_s=300)
        self.ready_s = time.perf_counter() - started
        self._warm_up()

    def memory(self) -> list[dict[str, float]]:
        """RSS, PSS and USS (MB) of each process of the server's session, from
        ``/proc/PID/smaps_rollup`` (Linux); PSS counts pages shared by n processes 1/n."""
        if self.process is None:
            return []
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) != self.process.pid:  # the session: fields[3]
                    continue
                rollup = (stat.parent / "smaps_rollup").read_text().splitlines()
            except (OSError, IndexError, ValueError):
                continue
            kb = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
            uss = kb["Private_Clean"] + kb["Private_Dirty"]
            found.append({"pid": int(stat.parent.name), "rss_mb": kb["Rss"] / 1024,
                          "pss_mb": kb["Pss"] / 1024, "uss_mb": uss / 1024})  # fmt: skip
        return sorted(found, key=lambda each: each["pid"])

    def _warm_up(self) -> None:
        """Concurrent searches, so that every worker has built its index before timing."""

        def search() -> None:
            for _ in range(10):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", f"/api/v1/{CITY_SLUG}/match?lat=45.19&lon=5.72")
                connection.getresponse().read()
                connection.close()

        threads = [threading.Thread(target=search) for _ in range(2 * self.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the session this run started
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class Client:
    """Threads with one keep-alive connection each, taking requests from a queue."""

    port: int
    token: str
    threads: int
    outcomes: list[Outcome] = field(default_factory=list)
    _queue: queue.Queue[tuple[str, float, dict[str, Any]] | None] = field(
        default_factory=queue.Queue
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, schedule: Iterator[tuple[str, float, dict[str, Any]]]) -> None:
        workers = [threading.Thread(target=self._work, daemon=True) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        for kind, due, payload in schedule:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            self._queue.put((kind, due, payload))
        for _ in workers:
            self._queue.put(None)
        for worker in workers:
            worker.join()

    def _work(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (item := self._queue.get()) is not None:
            kind, due, payload = item
            started = time.perf_counter()
            status, post_id, point = 0, None, None
            try:
                if kind == "search":
                    connection.request("GET", f"/api/v1/{CITY_SLUG}/match?{urlencode(payload)}")
                else:
                    connection.request(
                        "POST", f"/api/v1/{CITY_SLUG}/posts", body=json.dumps(payload),
                        headers={"Authorization": f"Bearer {self.token}",
                                 "Content-Type": "application/json"},
                    )  # fmt: skip
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if kind == "write" and status == 201:
                    feature = json.loads(body)
                    post_id = int(feature["id"])
                    lon, lat = feature["geometry"]["coordinates"]
                    point = (lat, lon)
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            finished = time.perf_counter()
            outcome = Outcome(kind, due, finished - due, finished - started, status, post_id,
                              point, payload.get("category"))  # fmt: skip
            with self._lock:
                self.outcomes.append(outcome)
        connection.close()


def closed_loop(
    port: int, searches: list[dict[str, Any]], connections: int, duration_s: float
) -> dict[str, Any]:
    """Saturation: ``connections`` keep-alive connections, each sending its next search
    when the previous answer has arrived, for ``duration_s``; throughput and latency."""
    stop_at = time.perf_counter() + duration_s
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def work(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, position = latencies[number], number
        while (started := time.perf_counter()) < stop_at:
            params = searches[position % len(searches)]
            position += connections
            try:
                connection.request("GET", f"/api/v1/{CITY_SLUG}/match?{urlencode(params)}")
                response = connection.getresponse()
                response.read()
                errors[number] += response.status != 200
            except (OSError, http.client.HTTPException):
                errors[number] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
        connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = np.array([s for mine in latencies for s in mine]) * 1e3
    return {"connections": connections, "requests": len(every), "errors": sum(errors),
            "throughput_per_s": len(every) / elapsed,
            "p50_ms": float(np.percentile(every, 50)) if len(every) else 0.0,
            "p99_ms": float(np.percentile(every, 99)) if len(every) else 0.0}  # fmt: skip


@dataclass
class Floor:
    """``benchmarks.floor`` served by granian with one worker, in its own session."""

    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self, log: Path) -> None:
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "1",
                   "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log",
                   "benchmarks.floor:app"]  # fmt: skip
        self.process = start_serving(command, self.env, self.port, log, timeout_s=60)

    stop = Server.stop


def schedule(
    workload: Workload, search_rate: float, write_rate: float, duration_s: float
) -> Iterator[tuple[str, float, dict[str, Any]]]:
    """Requests at fixed intervals from now, searches and writes merged by due time."""
    start = time.perf_counter() + 0.5
    due = [("search", start + i / search_rate, p) for i, p in enumerate(workload.searches)
           if search_rate]  # fmt: skip
    due += [("write", start + i / write_rate, b) for i, b in enumerate(workload.writes)
            if write_rate]  # fmt: skip
    due = [item for item in due if item[1] < start + duration_s]
    yield from sorted(due, key=lambda item: item[1])


def verify(port: int, outcomes: list[Outcome], workers: int) -> dict[str, int]:
    """Every acknowledged post can be fetched, and every worker's index finds it (each
    search is asked ``workers`` + 1 times on fresh connections, so that gunicorn spreads
    them over its workers)."""
    written = [o for o in outcomes if o.kind == "write" and o.status == 201]
    lost_rows, lost_in_index = 0, 0
    for outcome in written:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/api/v1/{CITY_SLUG}/posts/{outcome.post_id}")
        response = connection.getresponse()
        response.read()
        lost_rows += response.status != 200
        connection.close()
        assert outcome.point is not None
        params = {"lat": f"{outcome.point[0]:.7f}", "lon": f"{outcome.point[1]:.7f}",
                  "radius": 5, "category": outcome.category, "limit": 100}  # fmt: skip
        for _ in range(workers + 1):
            if not _found_by_search(port, params, outcome.post_id):
                lost_in_index += 1
                break
    return {"acknowledged": len(written), "not_found_by_id": lost_rows,
            "not_found_by_search": lost_in_index}  # fmt: skip


def _found_by_search(port: int, params: dict[str, Any], post_id: int | None) -> bool:
    """Whether ``/match`` lists the post, following ``next_cursor`` (help given at a
    distance is matched city-wide, so the newest hundred may not reach an older post)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        page = dict(params)
        while True:
            connection.request("GET", f"/api/v1/{CITY_SLUG}/match?{urlencode(page)}")
            answer = json.loads(connection.getresponse().read())
            if post_id in {feature["id"] for feature in answer.get("features", [])}:
                return True
            if not answer.get("next_cursor"):
                return False
            page["cursor"] = answer["next_cursor"]
    finally:
        connection.close()


def summary(outcomes: list[Outcome], kind: str, duration_s: float) -> dict[str, Any]:
    mine = [o for o in outcomes if o.kind == kind]
    expected = 201 if kind == "write" else 200
    errors = [o for o in mine if o.status != expected]
    late = np.array([o.late_s for o in mine]) * 1e3
    service = np.array([o.service_s for o in mine]) * 1e3
    result: dict[str, Any] = {"requests": len(mine), "rate_per_s": len(mine) / duration_s,
                              "errors": len(errors),
                              "error_statuses": sorted({o.status for o in errors})}  # fmt: skip
    if mine:
        result.update(
            p50_ms=float(np.percentile(late, 50)),
            p99_ms=float(np.percentile(late, 99)),
            max_ms=float(late.max()),
            service_p50_ms=float(np.percentile(service, 50)),
            service_p99_ms=float(np.percentile(service, 99)),
        )
    return result


def prepare(database_dir: Path, posts: int, seed: int) -> tuple[dict[str, str], str]:
    """A fresh database with the demo city; the environment and an API token."""
    env = {**os.environ, "VOISINAGE_DATABASE": str(database_dir / "voisinage.sqlite"),
           "VOISINAGE_SECRET_KEY": secrets.token_urlsafe(32),
           "VOISINAGE_RATE_LIMITS_ENABLED": str(RATE_LIMITS_ENABLED).lower(),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           }  # fmt: skip
    flask = [sys.executable, "-m", "flask", "--app", "web"]
    subprocess.run([*flask, "demo", "--posts", str(posts), "--seed", str(seed)], cwd=ROOT,
                   env=env, check=True, capture_output=True)  # fmt: skip
    created = subprocess.run([*flask, "token", "create", DEMO_EMAIL], cwd=ROOT, env=env,
                             check=True, capture_output=True, text=True)  # fmt: skip
    return env, created.stdout.strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    parser.add_argument("--server", choices=("auto", *SERVERS), default="auto",
                        help="gunicorn: sync workers; gthread: gunicorn's threaded workers; "
                        f"auto: {MAKE_RUN_SERVER}, the server of `make run`")  # fmt: skip
    parser.add_argument("--server-threads", type=int, default=MAKE_RUN_THREADS,
                        help="granian's blocking threads per worker (default "
                        f"{MAKE_RUN_THREADS}, as `make run`)")  # fmt: skip
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--search-rate", type=float, default=200.0, help="per second")
    parser.add_argument("--write-rate", type=float, default=20.0, help="per second")
    parser.add_argument("--posts", type=int, default=3_000, help="demo city posts")
    parser.add_argument("--threads", type=int, default=32, help="client threads")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--closed-loop", action="store_true",
                        help="saturation instead: each connection sends its next search when "
                        "the previous answer arrives; then the same against the floor "
                        "(benchmarks.floor under granian, one worker), and the ratio")  # fmt: skip
    parser.add_argument("--connections", type=int, default=4, help="closed loop (default 4)")
    parser.add_argument("--out", type=Path, help="also write the results here (JSON, and .md)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kind = args.server if args.server != "auto" else MAKE_RUN_SERVER
    if kind == "waitress" and args.workers != 1:
        raise SystemExit("waitress runs one process: use --server gunicorn for --workers > 1")
    workload = Workload.make(args.seed, int(args.search_rate * args.duration) + 1,
                             int(args.write_rate * args.duration) + 1)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="voisinage-load-") as scratch:
        scratch_dir = Path(scratch)
        print(f"preparing the demo city ({args.posts} posts) in {scratch_dir}", file=sys.stderr)
        env, token = prepare(scratch_dir, args.posts, args.seed)
        port = free_port()
        # the app answers only the host its links name (BASE_URL)
        server = Server(
            args.workers,
            kind,
            port,
            {**env, "VOISINAGE_BASE_URL": f"http://127.0.0.1:{port}"},
            args.server_threads,
        )
        try:
            server.start(scratch_dir / "server.log")
            load = (f"closed loop, {args.connections} connections" if args.closed_loop else
                    f"{args.search_rate:g} searches/s + {args.write_rate:g} writes/s")  # fmt: skip
            print(f"{kind} with {args.workers} worker(s) on 127.0.0.1:{server.port}; "
                  f"{load} for {args.duration:g} s", file=sys.stderr)  # fmt: skip
            if args.closed_loop:
                return saturate(args, workload, server, env, scratch_dir, token)
            client = Client(server.port, token, args.threads)
            started = time.perf_counter()
            client.run(schedule(workload, args.search_rate, args.write_rate, args.duration))
            elapsed = time.perf_counter() - started
            memory = server.memory()
            checked = verify(server.port, client.outcomes, args.workers)
        finally:
            server.stop()
    results = {
        "server": server.label, "workers": args.workers, "posts": args.posts,
        "duration_s": args.duration, "ready_s": server.ready_s, "memory": memory,
        "rate_limits": RATE_LIMITS_ENABLED,
        "search": summary(client.outcomes, "search", args.duration),
        "write": summary(client.outcomes, "write", args.duration),
        "client_elapsed_s": elapsed,
        "writes_verified": checked,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }  # fmt: skip
    search = results["search"]
    lost = checked["not_found_by_id"] + checked["not_found_by_search"]
    errors = search["errors"] + results["write"]["errors"]
    results["targets"] = {
        "search_p50_ms<=3": search.get("p50_ms", float("inf")) <= TARGET_P50_MS,
        "search_p99_ms<=50": search.get("p99_ms", float("inf")) <= TARGET_P99_MS,
        "no_error": errors == 0,
        "nothing_lost": lost == 0,
    }
    print(report(results))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        args.out.with_suffix(".md").write_text(report(results) + "\n", encoding="utf-8")
    return 0 if errors == 0 and lost == 0 else 1


SHARED_CORES = (
    "The load generator runs on the same machine as the server: they share its "
    f"{os.cpu_count()} cores."
)


def saturate(
    args: argparse.Namespace,
    workload: Workload,
    server: Server,
    env: dict[str, str],
    scratch_dir: Path,
    token: str,
) -> int:
    """The closed-loop run: /match on the real server with writes at ``--write-rate``
    alongside, then the floor, one after the other so that neither competes with the
    other; writes the results."""
    writer = Client(server.port, token, threads=4)
    writes = threading.Thread(
        target=writer.run, args=(schedule(workload, 0.0, args.write_rate, args.duration),)
    )
    writes.start()
    match = closed_loop(server.port, workload.searches, args.connections, args.duration)
    writes.join()
    memory = server.memory()
    server.stop()
    floor = Floor(free_port(), env)
    try:
        floor.start(scratch_dir / "floor.log")
        floor_result = closed_loop(floor.port, workload.searches, args.connections, args.duration)
    finally:
        floor.stop()
    results = {
        "mode": "closed-loop", "server": server.label, "workers": server.workers,
        "posts": args.posts, "duration_s": args.duration, "rate_limits": RATE_LIMITS_ENABLED,
        "ready_s": server.ready_s, "match": match,
        "write": summary(writer.outcomes, "write", args.duration), "memory": memory,
        "floor": {"server": "granian, 1 worker", "app": "benchmarks.floor", **floor_result},
        "ratio": match["throughput_per_s"] / floor_result["throughput_per_s"]
        if floor_result["throughput_per_s"] else 0.0,
        "note": SHARED_CORES,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }  # fmt: skip
    text = closed_loop_report(results)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        args.out.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    return 0 if match["errors"] == 0 and floor_result["errors"] == 0 else 1


def closed_loop_report(results: dict[str, Any]) -> str:
    lines = [
        f"closed loop, {results['match']['connections']} connections, {results['posts']} "
        f"posts, {results['duration_s']:g} s each, rate limits "
        f"{'on' if results['rate_limits'] else 'off'}, {results['date']}",
        "",
        "| | server | requests | errors | throughput /s | p50 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    rows = (("/match", f"{results['server']}, {results['workers']} worker(s)", results["match"]),
            ("floor", results["floor"]["server"], results["floor"]))  # fmt: skip
    for name, server, r in rows:
        lines.append(
            f"| {name} | {server} | {r['requests']} | {r['errors']} | "
            f"{r['throughput_per_s']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} |"
        )
    w = results["write"]
    lines += [
        "",
        f"/match throughput / floor throughput: {results['ratio']:.0%}. Writes alongside: "
        f"{w['requests']} at {w['rate_per_s']:.0f}/s, {w['errors']} errors, p50 "
        f"{w.get('p50_ms', 0):.1f} ms, p99 {w.get('p99_ms', 0):.1f} ms.",
        *server_lines(results),
        results["note"],
    ]
    return "\n".join(lines)


def server_lines(results: dict[str, Any]) -> list[str]:
    """Time to ready and memory per process, as the reports show them."""
    memory = "; ".join(
        f"pid {m['pid']}: RSS {m['rss_mb']:.0f}, PSS {m['pss_mb']:.0f}, USS {m['uss_mb']:.0f}"
        for m in results["memory"]
    )
    return [
        f"Ready (first /match answered) {results['ready_s']:.1f} s after the command.",
        f"Memory (MB) of the server's processes: {memory}.",
    ]


def report(results: dict[str, Any]) -> str:
    lines = [
        f"{results['server']}, {results['workers']} worker(s), {results['posts']} posts, "
        f"{results['duration_s']:g} s, "
        f"rate limits {'on' if results['rate_limits'] else 'off'}, {results['date']}",
        "",
        "| requests | sent/s | errors | p50 ms | p99 ms | max ms | service p50 ms "
        "| service p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("search", "write"):
        r = results[kind]
        lines.append(
            f"| {kind} ({r['requests']}) | {r['rate_per_s']:.0f} | {r['errors']} "
            f"{r['error_statuses'] or ''} | {r.get('p50_ms', 0):.1f} | {r.get('p99_ms', 0):.1f} | "
            f"{r.get('max_ms', 0):.1f} | {r.get('service_p50_ms', 0):.1f} | "
            f"{r.get('service_p99_ms', 0):.1f} |"
        )
    checked = results["writes_verified"]
    lines += [
        "",
        f"Writes acknowledged: {checked['acknowledged']}; not found by id: "
        f"{checked['not_found_by_id']}; not found by a search at their point: "
        f"{checked['not_found_by_search']}.",
        "Targets (/match): "
        + ", ".join(
            f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in results["targets"].items()
        ),
        *server_lines(results),
        SHARED_CORES,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
