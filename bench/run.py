"""`make bench`: the whole benchmark suite on PostgreSQL, Redis and gunicorn, one report.

    make bench                                        # scale 1, 20 s per load run (about 15 minutes)
    make bench BENCH_SCALE=0.001 BENCH_SECONDS=2      # what CI runs: the harness, in a few minutes
    make bench BENCH_COMPARE=old/report.json          # with the ratio to an earlier report

Environment (all optional):

- `BENCH_SCALE` (1): the data scale (`bench/generate.py`); the figures that grow with
  data are measured at a small scale first (0.01 when the scale is 0.1 or more, else a
  tenth of it) and then at this one, side by side;
- `BENCH_SECONDS` (20): seconds per load run;
- `BENCH_COMPARE`: a previous `report.json` to compare with;
- `BENCH_DATABASE` (`bench`): the PostgreSQL database it drops and creates on
  127.0.0.1:5432 (user postgres); `<name>_template` is its migrated, seeded template;
- `BENCH_REDIS_URL` (`redis://127.0.0.1:6379/7`): a Redis database it flushes;
- `BENCH_PORT` (8111, and the next one for the registration benchmark);
- `BENCH_SEED` (2026);
- `BENCH_SETUP_COST` (1): 0 skips the set-up cost (a fresh `make setup` and migrate),
  as CI does, having just done both.

What it does: migrates a template database and adds the demo content (`seed_demo`),
collects the static files; then per scale copies the template, generates the data,
measures the queries per page (Django's test client in a subprocess, uncached),
starts gunicorn with two workers (DEBUG off, Redis cache, page cache as in production)
and loads each page with wrk (apt-get installs Debian's wrk when missing; without it,
a Python load generator), times twenty register searches; at the main scale also the
Stripe webhook replay through /stripe/webhook/, the registration race and throughput
(`bench/registrations.py`) and PE eligibility; finally the set-up cost of a fresh
checkout. It writes `bench/report.md`, `bench/report.json` and
`bench/report-latency.svg`, and stops every process it started, also on Ctrl-C.

The exit status is 1 when a benchmark failed to run (not when a target is missed:
the report says which targets were missed).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from bench import report as report_writer  # noqa: E402

PYTHON = sys.executable
HOST = "127.0.0.1"
WORKERS = 2
CONNECTIONS = 4  # concurrent clients per load run: two per gunicorn worker
# The mixed load run: the pages a visitor asks most, in these proportions, at once.
MIXED = {"home": 4, "register": 3, "event": 2, "verify": 1}
PAGES = ["home", "news", "event", "register", "verify"]
PAGE_LABELS = {"home": "Home page", "news": "News index", "event": "Event page", "register": "Register search",
               "verify": "Verification page", "dashboard": "Member dashboard"}


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"bench [{time.monotonic() - STARTED:4.0f} s]: {message}", flush=True)


# --- configuration ---------------------------------------------------------------------------


class Config:
    def __init__(self, environ=os.environ):
        self.scale = float(environ.get("BENCH_SCALE") or 1)
        self.seconds = float(environ.get("BENCH_SECONDS") or 20)
        self.compare = environ.get("BENCH_COMPARE") or None
        self.database = environ.get("BENCH_DATABASE") or "bench"
        self.redis_url = environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/7"
        self.port = int(environ.get("BENCH_PORT") or 8111)
        self.seed = int(environ.get("BENCH_SEED") or 2026)
        self.setup_cost = (environ.get("BENCH_SETUP_COST") or "1") != "0"
        self.small_scale = small_scale(self.scale)

    def database_url(self, name: str | None = None) -> str:
        return f"postgres://postgres@{HOST}:5432/{name or self.database}"

    @property
    def template(self) -> str:
        return f"{self.database}_template"


def mixed_seconds(config: Config) -> float:
    """The mixed load runs three times as long as a page: 60 s at the default 20."""
    return 3 * config.seconds


def small_scale(scale: float) -> float:
    """The scale the growing figures are compared at: 0.01 beside scale 1, a tenth below 0.1."""
    return 0.01 if scale >= 0.1 else round(scale / 10, 8)


def portal_env(config: Config, *, database: str | None = None, **extra) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, Redis, plain HTTP, the bench database."""
    env = dict(os.environ)
    for name in ("PORTAL_TESTING", "STRIPE_SECRET_KEY", "STRIPE_API_BASE", "EMAIL_HOST", "Q_SYNC", "PAGE_CACHE_SECONDS"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=config.database_url(database),
        REDIS_URL=config.redis_url,
        SECRET_KEY="bench-only-not-a-secret",
        DEBUG="0",
        ALLOWED_HOSTS=f"{HOST},localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        BASE_URL=f"http://{HOST}:{config.port}",
        LOG_LEVEL="WARNING",
        # Bench-only: the per-address rate limits of the verification page and the register API would
        # turn a load test from one address into 429s.
        VERIFY_RATE_LIMIT="1000000000",
        REGISTER_API_RATE_LIMIT="1000000000",
        STRIPE_WEBHOOK_SECRET="whsec_bench",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_group(command: list[str], *, env: dict, timeout: float, cwd: Path = ROOT, capture: bool = False,
              quiet: bool = False) -> tuple[int, str]:
    """Run a command in its own process group and wait; on a timeout, Ctrl-C or SIGTERM stop the
    whole group (a benchmark script and the gunicorn it started) before passing the exception on."""
    process = subprocess.Popen(command, cwd=cwd, env=env, text=True, start_new_session=True,
                               stdout=subprocess.PIPE if capture else None,
                               stderr=subprocess.STDOUT if quiet else None)
    try:
        out, _ = process.communicate(timeout=timeout)
        return process.returncode, out or ""
    except BaseException:
        for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=grace)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        raise


def run(command: list[str], *, env: dict, timeout: float = 1800, quiet: bool = False, cwd: Path = ROOT) -> str:
    """Run a command; raise with the end of its output when it fails."""
    code, out = run_group(command, env=env, timeout=timeout, cwd=cwd, capture=True, quiet=quiet)
    if code != 0:
        raise RuntimeError(f"{' '.join(command[:3])} … exited {code}:\n{out[-3000:]}")
    return out


# --- PostgreSQL and Redis -------------------------------------------------------------------


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{HOST}:5432/postgres", autocommit=True, connect_timeout=10) as conn:
        for statement in statements:
            conn.execute(statement)


def database_sql(config: Config, statement: str):
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{HOST}:5432/{config.database}", autocommit=True) as conn:
        return conn.execute(statement).fetchall() if statement.lstrip().upper().startswith("SELECT") else None


def database_fresh(config: Config, *, template: str | None = None) -> None:
    name = config.database if template else config.template
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
              f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def preflight(config: Config) -> dict:
    """PostgreSQL and Redis answer on loopback; the versions for the report."""
    import psycopg
    import redis

    try:
        with psycopg.connect(f"postgresql://postgres@{HOST}:5432/postgres", connect_timeout=10) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        raise SystemExit(f"bench: PostgreSQL does not answer on {HOST}:5432 as user postgres: {error}") from error
    try:
        redis.Redis.from_url(config.redis_url).ping()
    except redis.RedisError as error:
        raise SystemExit(f"bench: Redis does not answer at {config.redis_url}: {error}") from error
    return {"postgres": postgres.split()[0]}


# --- the load tool ---------------------------------------------------------------------------


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "WRK-JSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50\\":%.3f,\\"p95\\":%.3f,\\"p99\\":%.3f," ..
    "\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


# Each wrk connection asks the paths in turn, starting at its own place in the list.
MIXED_SCRIPT = """
paths = {PATHS}
counter = math.random(#paths)
request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
"""


def wrk_path() -> str | None:
    """Debian's wrk, installed with apt-get when it is missing and we may; else None."""
    found = shutil.which("wrk")
    if found or os.environ.get("BENCH_NO_APT"):
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        return None
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        return None
    log("installing wrk from Debian's packages (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
                    ["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]):
        done = subprocess.run(prefix + command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=600)
        if command[1] == "install" and done.returncode == 0:
            break
    return shutil.which("wrk")


class LoadTool:
    def __init__(self, wrk: str | None, script_dir: Path):
        self.wrk = wrk
        self.name = "wrk" if wrk else "Python load generator (bench/pages.py)"
        self.script = script_dir / "report.lua"
        self.script.write_text(WRK_SCRIPT)

    def load(self, port: int, path: str, *, seconds: float, connections: int) -> dict:
        if self.wrk:
            return self._wrk(port, path, self.script, seconds=seconds, connections=connections)
        return self._python(port, path, seconds=seconds, connections=connections)

    def mixed(self, port: int, paths: list[str], seconds: float, connections: int) -> dict:
        """The paths taken in turn by every connection, for `seconds`: one figure for the mix."""
        if self.wrk:
            script = self.script.with_name("mixed.lua")
            # Lua's string literals read JSON's for these plain paths.
            script.write_text(MIXED_SCRIPT.replace("PATHS", ", ".join(json.dumps(p) for p in paths)) + WRK_SCRIPT)
            result = self._wrk(port, "/", script, seconds=seconds, connections=connections)
        else:
            result = self._python(port, paths, seconds=seconds, connections=connections)
        return {**result, "seconds": seconds, "connections": connections, "paths": sorted(set(paths))}

    def _wrk(self, port: int, path: str, script: Path, *, seconds: float, connections: int) -> dict:
        out = subprocess.run(
            [self.wrk, "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
             "-s", str(script), f"http://{HOST}:{port}{path}"],
            capture_output=True, text=True, timeout=seconds + 120, check=True,
        ).stdout
        line = next(line for line in out.splitlines() if line.startswith("WRK-JSON "))
        data = json.loads(line.removeprefix("WRK-JSON "))
        errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
        return {"requests": data["requests"], "rps": data["requests"] / (data["duration_us"] / 1e6),
                "p50": data["p50"], "p95": data["p95"], "p99": data["p99"], "errors": errors}

    def _python(self, port: int, path: str | list[str], *, seconds: float, connections: int) -> dict:
        from bench import pages as python_load

        class Target:  # what bench/pages.py's load() needs of a server
            def __init__(self, port):
                self.port = port

            def cpu_seconds(self):
                return float("nan")

        result = python_load.load(Target(port), path, duration=seconds, clients=connections)
        return {k: result[k] for k in ("requests", "rps", "p50", "p95", "p99", "errors")}


# --- gunicorn -------------------------------------------------------------------------------


class Server:
    """gunicorn with two sync workers on loopback; stopped on leaving, whatever happens."""

    def __init__(self, env: dict, port: int, log_path: Path):
        self.env, self.port, self.log_path = env, port, log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "portal.wsgi", "--workers", str(WORKERS), "--bind", f"{HOST}:{self.port}",
             "--log-level", "warning", "--timeout", "120"],
            cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        RUNNING.append(self)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.log_path.read_text()[-3000:]}")
            try:
                if http_get(self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 120 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()
        if self in RUNNING:
            RUNNING.remove(self)

    def __exit__(self, *exc):
        self.stop()


RUNNING: list[Server] = []


def http_get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- the benchmarks --------------------------------------------------------------------------


def generate_data(config: Config, scale: float, work: Path) -> dict:
    out = work / f"generated-{scale}.json"
    began = time.monotonic()
    run([PYTHON, str(BENCH / "generate.py"), "--scale", str(scale), "--seed", str(config.seed), "--json", str(out)],
        env=portal_env(config), timeout=3600)
    database_sql(config, "ANALYZE")  # as autovacuum would soon: the planner sees the data
    generated = json.loads(out.read_text())
    generated["wall_seconds"] = round(time.monotonic() - began, 1)
    return generated


def page_paths(landmarks: dict) -> dict[str, str]:
    return {
        "home": "/",
        "news": landmarks["news_index_path"],
        "event": landmarks["event_path"],
        "register": "/register/?q=zorg",
        "verify": f"/verify/{landmarks['certificate_number']}/",
    }


def probe_queries(config: Config, paths: dict[str, str], member_id: int, work: Path) -> dict:
    """Queries and render time per page, uncached, in a fresh process (see `_probe`)."""
    out = work / "probe.json"
    spec = work / "probe-spec.json"
    spec.write_text(json.dumps({"paths": paths, "member_id": member_id}))
    # No Redis and no page cache: every request renders, each process has its own empty cache.
    env = portal_env(config, PAGE_CACHE_SECONDS="0")
    env.pop("REDIS_URL")
    run([PYTHON, str(Path(__file__)), "--probe", str(spec), str(out)], env=env, timeout=900)
    return json.loads(out.read_text())


def _probe(spec_path: str, out_path: str) -> None:
    """In a subprocess: for each page, one request to warm up (menus, site, shared parts go into
    the process's cache, as in a running worker), then one request whose queries are counted, then
    three timed. The member dashboard as the landmark member, signed in."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    spec = json.loads(Path(spec_path).read_text())
    paths = dict(spec["paths"])
    results = {}
    anonymous, member = Client(), Client()
    member.force_login(get_user_model().objects.get(pk=spec["member_id"]))
    from django.utils import translation

    with translation.override("nl"):
        paths["dashboard"] = reverse("members:dashboard")
    for name, path in paths.items():
        client = member if name == "dashboard" else anonymous
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries = len(captured)  # now: each request empties the connection's query log
        times = []
        for _ in range(3):
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        results[name] = {"path": path, "status": response.status_code, "queries": queries,
                         "render_ms": statistics.median(times)}
    Path(out_path).write_text(json.dumps(results))


def load_pages(config: Config, tool: LoadTool, paths: dict[str, str]) -> dict:
    results = {}
    for name in PAGES:
        path = paths[name]
        for _ in range(10):  # warm up both workers (and the page cache, as visitors would)
            http_get(config.port, path)
        result = tool.load(config.port, path, seconds=config.seconds, connections=CONNECTIONS)
        log(f"  {name:<9} {result['rps']:7.1f} req/s  p50 {result['p50']:6.1f}  p95 {result['p95']:6.1f}  "
            f"p99 {result['p99']:6.1f} ms  errors {result['errors']}")
        results[name] = {"path": path, **result}
    return results


def register_search_latency(config: Config, work: Path, scale: float) -> dict:
    """The twenty searches of bench/register_search.py, against this gunicorn and the generated register:
    p50 and p95 on the page and on the API, and the queries one search takes (counted in its process)."""
    out = work / f"register-search-{scale}.json"
    env = portal_env(config, PAGE_CACHE_SECONDS="0")
    env.pop("REDIS_URL")  # the query count clears its cache: its own, not the server's
    run([PYTHON, str(BENCH / "register_search.py"), "--port", str(config.port), "--repeats", "3",
         "--json", str(out)], env=env, timeout=1800)
    return json.loads(out.read_text())


def webhook_replay(config: Config, work: Path) -> dict:
    # 10,000 events from scale 0.1 up; fewer below (CI), never under 200.
    events = 10_000 if config.scale >= 0.1 else max(200, round(100_000 * config.scale))
    out = work / "webhooks.json"
    command = [PYTHON, str(BENCH / "webhooks.py"), "--events", str(events), "--seed", str(config.seed),
               "--url", f"http://{HOST}:{config.port}/stripe/webhook/", "--concurrency", str(CONNECTIONS),
               "--json", str(out)]
    code, _ = run_group(command, env=portal_env(config), timeout=3600)
    if not out.exists():
        raise RuntimeError(f"bench/webhooks.py exited {code} without figures")
    return json.loads(out.read_text())


def registration_race(config: Config, work: Path) -> dict:
    out = work / "registrations.json"
    # The race is always 70 attempts for 50 seats; the throughput run is 200 people from scale 0.1 up, 40 below (CI).
    command = [PYTHON, str(BENCH / "registrations.py"), "--port", str(config.port + 1), "--workers", str(WORKERS),
               "--throughput-count", "200" if config.scale >= 0.1 else "40", "--json", str(out)]
    env = portal_env(config, BASE_URL=f"http://{HOST}:{config.port + 1}")
    code, _ = run_group(command, env=env, timeout=1800)
    if not out.exists():
        raise RuntimeError(f"bench/registrations.py exited {code} without figures")
    return json.loads(out.read_text())


def pe_eligibility(config: Config, work: Path) -> dict:
    """bench/pe_eligibility.py on the generated data: every holder of an active certificate at once
    (`pe_standings`), a sample one by one (`pe_eligibility`, what certification asks), and whether the
    two answers agree."""
    out = work / "pe.json"
    run([PYTHON, str(BENCH / "pe_eligibility.py"), "--existing", "--sample", "500", "--seed", str(config.seed),
         "--json", str(out)], env=portal_env(config), timeout=3600)
    return json.loads(out.read_text())


def setup_cost(work: Path) -> dict:
    """A fresh `make setup` and `migrate` (SQLite) in an export of this commit; the size of its .venv."""
    tree = work / "fresh"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DATABASE_URL", "REDIS_URL", "MAKEFLAGS",
                                                            "MAKELEVEL", "MFLAGS")}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tree / 'db.sqlite3'}")
    began = time.monotonic()
    run(["make", "--no-print-directory", "setup"], env=env, cwd=tree, timeout=1200, quiet=True)
    made = time.monotonic() - began
    began = time.monotonic()
    run([str(tree / ".venv/bin/python"), "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=tree, timeout=1200,
        quiet=True)
    migrated = time.monotonic() - began
    size = int(subprocess.run(["du", "-sb", str(tree / ".venv")], capture_output=True, text=True, check=True)
               .stdout.split()[0])
    uv = "uv on PATH" if shutil.which("uv") else "uv fetched into var/uv" if (tree / "var/uv").exists() else "pip"
    return {"make_setup_s": made, "migrate_s": migrated, "seconds": made + migrated, "venv_mb": size / 1e6,
            "installer": uv}


# --- the figures -----------------------------------------------------------------------------


def figures_from(results: dict, config: Config) -> list[dict]:
    small, main = str(config.small_scale), str(config.scale)
    figures: list[dict] = []

    def add(id_, label, unit, value, small_value=None, *, grows=False, **extra):
        figure = {"id": id_, "label": label, "unit": unit, "value": value, **extra}
        if grows:
            figure["small"] = small_value
        figures.append(figure)

    pages = results.get("pages", {})
    probes = results.get("probes", {})
    for name in PAGES:
        label = PAGE_LABELS[name]
        get = lambda scale, key: (pages.get(scale, {}).get(name) or {}).get(key)  # noqa: E731
        add(f"pages.{name}.rps", f"{label}: requests per second", "req/s", get(main, "rps"), get(small, "rps"), grows=True)
        for p in ("p50", "p95", "p99"):
            add(f"pages.{name}.{p}", f"{label}: {p}", "ms", get(main, p), get(small, p), grows=True)
        add(f"pages.{name}.errors", f"{label}: errors under load", "count", get(main, "errors"), get(small, "errors"),
            grows=True)
    for name in PAGES + ["dashboard"]:
        get = lambda scale: (probes.get(scale, {}).get(name) or {}).get("queries")  # noqa: E731
        add(f"queries.{name}", f"{PAGE_LABELS[name]}: queries per request", "queries", get(main), get(small),
            grows=True, equal_at_scales=True)
    search = results.get("register_search", {})
    at = lambda scale, where, key: ((search.get(scale) or {}).get(where) or {}).get(key)  # noqa: E731
    for p in ("p50", "p95"):
        add(f"register_search.{p}", f"Register search, twenty queries, page: {p}", "ms",
            at(main, "page", f"{p}_ms"), at(small, "page", f"{p}_ms"), grows=True)
    for p in ("p50", "p95"):
        add(f"register_search.api.{p}", f"Register search, twenty queries, API: {p}", "ms",
            at(main, "api", f"{p}_ms"), at(small, "api", f"{p}_ms"), grows=True)
    add("register_search.queries", "Register search: most queries one search takes", "queries",
        at(main, "page", "queries_max"), at(small, "page", "queries_max"), grows=True, equal_at_scales=True)
    add("register_search.failures", "Register search: failed requests (page and API)", "count",
        (len(at(main, "page", "failures") or []) + len(at(main, "api", "failures") or []))
        if search.get(main) else None, target=["==", 0])
    mixed = results.get("mixed") or {}
    mix = ", ".join(f"{PAGE_LABELS[name].lower()} {weight}" for name, weight in MIXED.items())
    add("mixed.rps", f"Mixed load ({mix}; {mixed.get('seconds', '?'):g} s): requests per second"
        if mixed else "Mixed load: requests per second", "req/s", mixed.get("rps"))
    add("mixed.p95", "Mixed load: p95", "ms", mixed.get("p95"))
    add("mixed.p99", "Mixed load: p99", "ms", mixed.get("p99"))
    add("mixed.errors", "Mixed load: errors", "count", mixed.get("errors"), target=["==", 0])
    race = (results.get("registrations") or {}).get("race") or {}
    seats = race.get("seats", 50)
    add("race.confirmed", f"Race for {seats} seats ({race.get('attempts', 70)} attempts, "
        f"{race.get('concurrency', 16)} at a time): confirmed", "count", race.get("confirmed"), target=["==", seats])
    add("race.waiting", "Race: on the waiting list", "count", race.get("waiting"))
    add("race.server_errors", "Race: server errors (5xx)", "count", race.get("server_errors"))
    add("race.p95", "Race: flow p95", "s", race.get("p95_s"))
    throughput = (results.get("registrations") or {}).get("throughput") or {}
    add("throughput.per_minute", f"Registrations at {throughput.get('members', 8)} concurrent members", "reg/min",
        throughput.get("per_minute"))
    add("throughput.p95", "Registrations: flow p95", "s", throughput.get("p95_s"))
    add("throughput.server_errors", "Registrations: server errors (5xx)", "count", throughput.get("server_errors"))
    hooks = results.get("webhooks") or {}
    add("webhooks.events_per_second", f"Stripe webhook replay ({hooks.get('delivered', '?')} events, "
        f"{hooks.get('duplicates', '?')} duplicates, shuffled)", "events/s", hooks.get("events_per_second"))
    add("webhooks.p95", "Webhook request p95", "ms", hooks.get("p95_ms"))
    add("webhooks.identical", "Webhook end state equals in-order delivery", "yes/no", hooks.get("identical"))
    pe = results.get("pe_eligibility") or {}
    add("pe_eligibility.members_per_second", f"PE eligibility of all {pe.get('members', '?')} certified members "
        "at once", "members/s", pe.get("bulk_members_per_second"))
    add("pe_eligibility.single_per_second", f"PE eligibility one by one ({pe.get('sample', '?')} members, "
        "as certification asks)", "members/s", pe.get("single_members_per_second"))
    add("pe_eligibility.queries_per_member", "PE eligibility one by one: queries per member", "queries",
        pe.get("queries_per_member"))
    add("pe_eligibility.differences", "PE eligibility: members where both answers differ", "count",
        pe.get("differences"), target=["==", 0])
    cost = results.get("setup") or {}
    add("setup.seconds", "Fresh `make setup` + migrate", "s", cost.get("seconds"))
    add("setup.venv_mb", "Size of .venv after `make setup`", "MB", cost.get("venv_mb"))
    generation = results.get("generation", {})
    add("generation.seconds", "Data generation", "s", (generation.get(main) or {}).get("wall_seconds"),
        (generation.get(small) or {}).get("wall_seconds"), grows=True)
    return figures


# --- main -----------------------------------------------------------------------------------


def attempt(errors: list[str], name: str, func, *args):
    try:
        return func(*args)
    except Exception as error:  # one benchmark failing must not stop the others
        log(f"{name} FAILED: {error}")
        traceback.print_exc()
        errors.append(f"{name}: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
        return None


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return (out.stdout.strip() or "?") + ("+changes" if dirty else "")


def measure_scale(config: Config, scale: float, *, main: bool, tool: LoadTool, work: Path, results: dict,
                  errors: list[str]) -> None:
    key = str(scale)
    log(f"scale {scale}: database {config.database} from the template, then the data")
    database_fresh(config, template=config.template)
    generated = generate_data(config, scale, work)
    results["generation"][key] = generated
    landmarks = generated["landmarks"]
    paths = page_paths(landmarks)
    log(f"scale {scale}: queries per page (uncached)")
    probes = attempt(errors, f"queries at scale {scale}", probe_queries, config, paths, landmarks["member_id"], work)
    results["probes"][key] = probes or {}
    for name, probe in (probes or {}).items():
        if probe["status"] != 200:
            errors.append(f"queries at scale {scale}: {probe['path']} answered {probe['status']}")
    flush_redis(config.redis_url)
    log(f"scale {scale}: gunicorn ({WORKERS} workers) on {HOST}:{config.port}; {config.seconds:g} s per page")
    server_log = work / "gunicorn.log"
    with Server(portal_env(config), config.port, server_log):
        pages = attempt(errors, f"pages under load at scale {scale}", load_pages, config, tool, paths)
        if pages:
            for name, page in pages.items():
                page.update({k: (probes or {}).get(name, {}).get(k) for k in ("queries", "render_ms")})
        results["pages"][key] = pages or {}
        results["register_search"][key] = attempt(errors, f"register search at scale {scale}",
                                                  register_search_latency, config, work, scale)
        if main:
            log(f"mixed load: {', '.join(MIXED)} for {mixed_seconds(config):g} s")
            results["mixed"] = attempt(errors, "mixed load", tool.mixed, config.port,
                                       [paths[name] for name, weight in MIXED.items() for _ in range(weight)],
                                       mixed_seconds(config), CONNECTIONS)
        if main:
            log("webhook replay through /stripe/webhook/")
            results["webhooks"] = attempt(errors, "webhook replay", webhook_replay, config, work)
    if main:
        log("registration race and throughput (bench/registrations.py)")
        results["registrations"] = attempt(errors, "registrations", registration_race, config, work)
        log("PE eligibility of the certified members")
        results["pe_eligibility"] = attempt(errors, "PE eligibility", pe_eligibility, config, work)


def main() -> int:
    config = Config()
    began = time.monotonic()
    started = datetime.now(timezone.utc)
    load_before = os.getloadavg()[0]
    versions = preflight(config)
    work = Path(tempfile.mkdtemp(prefix="rqim-bench-"))
    errors: list[str] = []
    skipped: list[str] = []
    results: dict = {"generation": {}, "probes": {}, "pages": {}, "register_search": {}}

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    try:
        # A throwaway signing key for the certificates' credentials (required with DEBUG off),
        # made as `manage.py credential_key generate` makes it.
        from joserfc.jwk import OKPKey

        os.environ["CREDENTIAL_SIGNING_KEY"] = json.dumps(OKPKey.generate_key("Ed25519", private=True).as_dict(private=True))
        tool = LoadTool(wrk_path(), work)
        log(f"scale {config.scale} (and {config.small_scale}), {config.seconds:g} s per load run, {tool.name}")
        log(f"template database {config.template}: migrate, seed_demo, collectstatic")
        database_fresh(config)
        template_env = portal_env(config, database=config.template)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=template_env, timeout=1800)
        run([PYTHON, "manage.py", "seed_demo", "--skip-checks"], env={**template_env, "DEBUG": "1"}, timeout=1800,
            quiet=True)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=template_env, timeout=600)
        for scale, main_scale in ((config.small_scale, False), (config.scale, True)):
            measure_scale(config, scale, main=main_scale, tool=tool, work=work, results=results, errors=errors)
        if config.setup_cost:
            log("set-up cost: make setup + migrate in a fresh export of this commit")
            results["setup"] = attempt(errors, "set-up cost", setup_cost, work)
        else:
            skipped.append("set-up cost (BENCH_SETUP_COST=0)")
    except KeyboardInterrupt:
        errors.append("interrupted")
        log("interrupted: stopping")
    except Exception as error:
        traceback.print_exc()
        errors.append(f"run: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
    finally:
        for server in list(RUNNING):
            server.stop()
        try:
            flush_redis(config.redis_url)
        except Exception:  # noqa: BLE001 - Redis gone: nothing to flush
            pass
        shutil.rmtree(work, ignore_errors=True)

    notes = [
        "Load runs use production settings: anonymous visitors of CMS pages (home, news, events) get them from the "
        "page cache in Redis after the first request, as in production; the register search and the verification "
        "page are views and render every time. The queries and render times are measured without any cache.",
        "The registration race and throughput run on their own gunicorn (two workers) against the same database, "
        "with members signed in by session cookie (bench/registrations.py).",
        f"Webhook events are signed and posted {CONNECTIONS} at a time, each sender on its own connection "
        "(bench/webhooks.py --url); the in-order reference goes through the service in one process.",
        "PE eligibility (bench/pe_eligibility.py --existing): every holder of an active certificate at once "
        "(pe_standings), and 500 of them one by one (pe_eligibility, what certification asks), in one process; "
        "the two answers must agree.",
        "Register search (bench/register_search.py --port): its twenty searches, three times each, one at a time, "
        "on the page and on the API, against the same gunicorn.",
        f"Mixed load: {CONNECTIONS} connections ask the home page, register search, event page and verification "
        "page in turn in the proportions shown, for three times the seconds of one page run.",
        f"Data seed {config.seed}; generated data stays in the database `{config.database}` after the run.",
    ] + [f"Skipped: {what}." for what in skipped]
    report = {
        "run": {
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "duration_s": round(time.monotonic() - began, 1),
            "commit": commit(), "cpus": os.cpu_count(), "load_before": round(load_before, 2),
            "python": platform.python_version(), "postgres": versions.get("postgres"),
            "scale": config.scale, "small_scale": config.small_scale, "seconds": config.seconds,
            "connections": CONNECTIONS, "workers": WORKERS,
            "tool": (tool.name if "tool" in locals() else "?"),
        },
        "figures": figures_from(results, config),
        "pages": results["pages"],
        "generation": {k: {"counts": v.get("counts", {}), "seconds": v.get("wall_seconds")}
                       for k, v in results["generation"].items()},
        "details": {k: results.get(k) for k in ("register_search", "webhooks", "registrations", "pe_eligibility", "setup")},
        "errors": errors,
        "notes": notes,
    }
    written = report_writer.write(report, BENCH, previous=report_writer.load_previous(config.compare),
                                  compare_with=config.compare)
    totals = written["summary"]
    log(f"report: {BENCH / 'report.md'} — {totals['met']} of {totals['with_target']} targets met"
        + (f", missed: {', '.join(totals['missed'])}" if totals["missed"] else ""))
    if errors:
        log("benchmarks that failed to run: " + "; ".join(errors))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        _probe(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
