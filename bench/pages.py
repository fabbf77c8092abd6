"""Benchmark: public pages under load on gunicorn, PostgreSQL and Redis.

    .venv/bin/python bench/pages.py                          # uncached vs cached, 20 s per page
    .venv/bin/python bench/pages.py --baseline 642b3ae       # and the code of an older commit
    .venv/bin/python bench/pages.py --duration 5 --clients 2 # a quick run

It migrates the database and runs `seed_demo` (use a scratch database), collects
the static files, then for each mode starts gunicorn with two sync workers on
127.0.0.1 (production settings: DEBUG off, Redis cache), warms it up, and loads
the home page and a news item for a fixed time with a fixed number of client
processes (one `http.client` request after another each, a new connection per
request, as gunicorn's sync workers close it). It prints requests per second,
latency percentiles, errors and the workers' CPU time per request (read from
/proc: a figure that holds when other work shares the machine) per page and
mode, and the ratios between modes.

Modes:
- `baseline` (with --baseline REF): the code of commit REF, exported with `git
  archive` into a temporary folder, on the same database, Redis and virtualenv;
- `uncached`: this code with the page cache off (PAGE_CACHE_SECONDS=0): what a
  signed-in member, or the first visitor after a publish, costs;
- `cached`: this code as configured in production: visitors get pages from the cache.

Only loopback traffic; every server it starts is stopped, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"


def server_env(args, **extra) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        SECRET_KEY="bench-only-not-a-secret",
        DEBUG="0",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        BASE_URL=f"http://{HOST}:{args.port}",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("PORTAL_TESTING", None)
    env.update(extra)
    return env


def manage(tree: Path, env: dict, *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)


def news_item_path(args) -> str:
    """The address of the newest public Dutch news item in the demo content."""
    code = (
        "import django; django.setup()\n"
        "from portal.models import NewsPage\n"
        "item = NewsPage.objects.live().filter(locale__language_code='nl', members_only=False)"
        ".order_by('-date').first()\n"
        "print(item.url if item else '')\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=server_env(args), check=True, capture_output=True, text=True
    ).stdout.strip()
    if not out:
        sys.exit("No public news item in the database: run seed_demo.")
    return out.splitlines()[-1]


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# --- the server ---------------------------------------------------------------------------


class Server:
    def __init__(self, tree: Path, env: dict, port: int, log: Path):
        self.tree, self.env, self.port, self.log = tree, env, port, log
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "portal.wsgi", "--workers", "2", "--bind", f"{HOST}:{self.port}", "--chdir", str(self.tree)],
            cwd=self.tree,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped at start:\n{self.log.read_text()[-4000:]}")
            try:
                status, _ = fetch(self.port, "/healthz")
                if status == 200:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.3)
        self.__exit__()
        sys.exit(f"gunicorn did not answer within 60 s:\n{self.log.read_text()[-4000:]}")

    def cpu_seconds(self) -> float:
        """CPU time the workers have used so far (user + system), from /proc."""
        master = self.process.pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            return float("nan")
        total = 0
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the load -----------------------------------------------------------------------------


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def client_loop(port: int, path: str | list[str], deadline: float, results) -> None:
    """Ask `path` (or each of a list of paths in turn) until the deadline."""
    paths = [path] if isinstance(path, str) else path
    turn = random.randrange(len(paths))
    latencies, errors = [], 0
    while time.monotonic() < deadline:
        turn = (turn + 1) % len(paths)
        started = time.perf_counter()
        try:
            status, _body = fetch(port, paths[turn])
        except (OSError, http.client.HTTPException):
            status = 0
        elapsed = time.perf_counter() - started
        if status == 200:
            latencies.append(elapsed)
        else:
            errors += 1
    results.put((latencies, errors))


def load(server: Server, path: str | list[str], *, duration: float, clients: int) -> dict:
    port = server.port
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    started = time.monotonic()
    deadline = started + duration
    workers = [context.Process(target=client_loop, args=(port, path, deadline, results)) for _ in range(clients)]
    cpu_before = server.cpu_seconds()
    for worker in workers:
        worker.start()
    latencies, errors = [], 0
    for _ in workers:
        part, part_errors = results.get(timeout=duration + 120)
        latencies += part
        errors += part_errors
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu_before
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "errors": errors,
        # Server CPU per request: what the page costs, whatever else runs on the machine.
        "cpu_ms": cpu / len(latencies) * 1000 if latencies else float("nan"),
    }


# --- main ---------------------------------------------------------------------------------


def export_tree(ref: str, into: Path) -> Path:
    """The files of commit `ref`, without touching this checkout."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per page and mode (20)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes (4)")
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perf"),
        help="a scratch PostgreSQL database: it is migrated and gets the demo content",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"))
    parser.add_argument("--baseline", metavar="REF", help="also measure the code of this commit (e.g. main)")
    parser.add_argument("--no-seed", action="store_true", help="skip migrate and seed_demo")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rqim-bench-pages-"))
    log = work / "gunicorn.log"
    try:
        env = server_env(args)
        if not args.no_seed:
            print("migrate and seed_demo …", flush=True)
            manage(ROOT, env, "migrate", "--noinput", "-v0")
            manage(ROOT, {**env, "DEBUG": "1"}, "seed_demo")  # seed_demo refuses to run without DEBUG
        item = news_item_path(args)
        pages = {"home": "/", "news item": item}

        modes: list[tuple[str, Path, dict]] = []
        if args.baseline:
            tree = export_tree(args.baseline, work / "baseline")
            modes.append(("baseline", tree, server_env(args)))
        modes.append(("uncached", ROOT, server_env(args, PAGE_CACHE_SECONDS="0")))
        modes.append(("cached", ROOT, server_env(args, PAGE_CACHE_SECONDS="600")))

        results: dict[tuple[str, str], dict] = {}
        collected: set[Path] = set()
        for mode, tree, mode_env in modes:
            if tree not in collected:  # production settings serve hashed static names
                manage(tree, mode_env, "collectstatic", "--noinput", "-v0")
                collected.add(tree)
            flush_redis(args.redis_url)
            print(f"{mode}: gunicorn on {HOST}:{args.port} ({tree}) …", flush=True)
            with Server(tree, mode_env, args.port, log) as server:
                for name, path in pages.items():
                    for _ in range(20):  # warm up both workers
                        fetch(args.port, path)
                    results[(mode, name)] = r = load(server, path, duration=args.duration, clients=args.clients)
                    print(f"  {name:<10} {r['rps']:8.1f} req/s  p50 {r['p50']:6.1f} ms  errors {r['errors']}", flush=True)

        print()
        print(f"{args.clients} clients, {args.duration:.0f} s per page, gunicorn 2 sync workers, PostgreSQL, Redis")
        print(f"news item: {item}")
        print(
            f"{'mode':<10} {'page':<10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'cpu ms/req':>11}"
        )
        for (mode, name), r in results.items():
            print(
                f"{mode:<10} {name:<10} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f}"
                f" {r['errors']:7d} {r['cpu_ms']:11.2f}"
            )
        print()
        first = modes[0][0]
        for mode, _tree, _env in modes[1:]:
            for name in pages:
                now, before = results[(mode, name)], results[(first, name)]
                print(
                    f"{mode} / {first}, {name}: {now['rps'] / before['rps']:.1f}× the requests per second,"
                    f" {before['cpu_ms'] / now['cpu_ms']:.1f}× less server CPU per request"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
