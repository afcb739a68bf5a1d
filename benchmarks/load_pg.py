"""The open-loop load of ``benchmarks.load`` on PostgreSQL, through two app servers:
``python -m benchmarks.load_pg``.

A throwaway PostgreSQL cluster (``benchmarks.pgcluster``) gets the demo city of
``--posts`` posts: built in SQLite by ``flask demo`` (no round trip per row), then moved by
``flask copy-store`` (batched inserts; ``posts.geom`` follows from a trigger). Two waitress
servers start on it, one after the other, each timed from its start to its first 200 on
``/match``: the time for a new server to be ready with that city. Searches and writes are
then sent at the given rates, half to each server; afterwards every post a server
acknowledged is fetched and searched for through the OTHER server (the servers follow each
other's commits through LISTEN/NOTIFY). The load generator, both servers and PostgreSQL
share the machine's cores.

Exits non-zero on any error or lost write."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from benchmarks import load, pgcluster

SERVERS = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load_pg",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--search-rate", type=float, default=200.0, help="per second, in all")
    parser.add_argument("--write-rate", type=float, default=20.0, help="per second, in all")
    parser.add_argument("--posts", type=int, default=20_000, help="demo city posts")
    parser.add_argument("--threads", type=int, default=16, help="client threads per server")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="also write the results here (JSON, and .md)")
    return parser.parse_args(argv)


def load_city(scratch: Path, url: str, posts: int, seed: int) -> tuple[dict[str, str], str, float]:
    """The demo city in the PostgreSQL database at ``url``: the environment of a server on
    it, an API token, and the seconds the load took."""
    started = time.perf_counter()
    env, token = load.prepare(scratch, posts, seed)  # in SQLite first
    flask = [sys.executable, "-m", "flask", "--app", "web"]
    subprocess.run([*flask, "copy-store", env["VOISINAGE_DATABASE"], url], cwd=load.ROOT,
                   env=env, check=True, capture_output=True)  # fmt: skip
    with psycopg.connect(url, autocommit=True) as conn:
        # The demo's posts are old news, no subscriber's to hear of: without this the first
        # write would have each server match the whole city against the alerts, post by post.
        conn.execute("UPDATE alert_progress SET last_seq = (SELECT MAX(seq) FROM change_log)")
    return {**env, "VOISINAGE_DATABASE": url}, token, time.perf_counter() - started


def split(workload: load.Workload, parts: int) -> list[load.Workload]:
    return [load.Workload(workload.searches[n::parts], workload.writes[n::parts])
            for n in range(parts)]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workload = load.Workload.make(args.seed, int(args.search_rate * args.duration) + 1,
                                  int(args.write_rate * args.duration) + 1)  # fmt: skip
    cluster = pgcluster.start_cluster()
    scratch = Path(tempfile.mkdtemp(prefix="voisinage-load-pg-"))
    servers: list[load.Server] = []
    try:
        url = cluster.create_database()
        print(f"loading the demo city ({args.posts} posts) into {url}", file=sys.stderr)
        env, token, load_s = load_city(scratch, url, args.posts, args.seed)
        ready_s = []
        for number in range(SERVERS):
            port = load.free_port()
            own_url = {"VOISINAGE_BASE_URL": f"http://127.0.0.1:{port}"}  # links name it
            server = load.Server(1, "waitress", port, {**env, **own_url})
            servers.append(server)
            started = time.perf_counter()
            server.process = load.start_serving(
                server.command(), server.env, port, scratch / f"server{number}.log", 1800
            )
            ready_s.append(time.perf_counter() - started)
        print(f"{SERVERS} waitress servers ready in {', '.join(f'{s:.1f}' for s in ready_s)} s;"
              f" {args.search_rate:g} searches/s + {args.write_rate:g} writes/s for "
              f"{args.duration:g} s", file=sys.stderr)  # fmt: skip
        clients = [load.Client(server.port, token, args.threads) for server in servers]
        threads = [
            threading.Thread(target=client.run, args=(load.schedule(
                part, args.search_rate / SERVERS, args.write_rate / SERVERS, args.duration),))
            for client, part in zip(clients, split(workload, SERVERS), strict=True)
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        checked = [  # each server's writes, through the other server
            load.verify(servers[(n + 1) % SERVERS].port, client.outcomes, 1)
            for n, client in enumerate(clients)
        ]
    finally:
        for server in servers:
            server.stop()
        pgcluster.remove_cluster(cluster)
        shutil.rmtree(scratch, ignore_errors=True)
    outcomes = [outcome for client in clients for outcome in client.outcomes]
    results = {
        "store": "postgresql", "servers": f"{SERVERS} x waitress (8 threads)",
        "posts": args.posts, "duration_s": args.duration, "rate_limits": load.RATE_LIMITS_ENABLED,
        "load_city_s": load_s, "ready_s": ready_s,
        "search": load.summary(outcomes, "search", args.duration),
        "write": load.summary(outcomes, "write", args.duration),
        "writes_verified": {key: sum(c[key] for c in checked) for key in checked[0]},
        "note": load.SHARED_CORES.replace("the server", "both servers and PostgreSQL"),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }  # fmt: skip
    text = report(results)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        args.out.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    verified = results["writes_verified"]
    lost = verified["not_found_by_id"] + verified["not_found_by_search"]
    return 0 if results["search"]["errors"] + results["write"]["errors"] + lost == 0 else 1


def report(results: dict[str, Any]) -> str:
    lines = [
        f"PostgreSQL, {results['servers']}, {results['posts']} posts, "
        f"{results['duration_s']:g} s, rate limits {'on' if results['rate_limits'] else 'off'}, "
        f"{results['date']}",
        "",
        "| requests | sent/s | throughput /s | errors | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("search", "write"):
        r = results[kind]
        lines.append(
            f"| {kind} ({r['requests']}) | {r['rate_per_s']:.0f} | "
            f"{(r['requests'] - r['errors']) / results['duration_s']:.0f} | {r['errors']} "
            f"{r['error_statuses'] or ''} | {r.get('p50_ms', 0):.1f} | "
            f"{r.get('p99_ms', 0):.1f} | {r.get('max_ms', 0):.1f} |"
        )
    checked = results["writes_verified"]
    lines += [
        "",
        f"City loaded in {results['load_city_s']:.1f} s (demo in SQLite, then copy-store). "
        f"A new server ready with the city (start to first /match 200): "
        + ", ".join(f"{s:.1f} s" for s in results["ready_s"])
        + ".",
        f"Writes acknowledged: {checked['acknowledged']}; through the other server, not found "
        f"by id: {checked['not_found_by_id']}; not found by a search at their point: "
        f"{checked['not_found_by_search']}.",
        results["note"],
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
