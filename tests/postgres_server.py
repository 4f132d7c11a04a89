"""A throwaway PostgreSQL server for the tests (issue 17): its own folder, a private
Unix socket and no TCP, so it can neither meet nor disturb any other server.

`python -m tests.postgres_server` measures how long starting and creating take."""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:  # imported where used: without psycopg the fixtures can still skip
    import psycopg

SUPERUSER = "postgres"
SYSTEM_USER = "postgres"  # who runs the server when the tests run as root
PORT = 5432  # only names the socket file; the folder is private, so no clash
# Speed over durability: the data is thrown away anyway.
SETTINGS = ("fsync=off", "full_page_writes=off", "synchronous_commit=off")
SOCKET_PATH_LIMIT = 100  # sun_path holds 108 bytes, with ".s.PGSQL.5432" appended


class PostgresUnavailable(RuntimeError):
    """The server could not be set up; the message says why, with the server's log."""


@dataclass(frozen=True)
class Binaries:
    initdb: Path
    pg_ctl: Path


def find_binaries() -> Binaries | None:
    """The newest PostgreSQL under /usr/lib/postgresql (Debian keeps them off PATH),
    else `initdb` and `pg_ctl` on PATH; None where there is none."""

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))

    folders = [
        folder
        for folder in Path("/usr/lib/postgresql").glob("*/bin")
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file()
    ]
    if folders:
        newest = max(folders, key=version)
        return Binaries(newest / "initdb", newest / "pg_ctl")
    initdb = shutil.which("initdb")
    if initdb is None:
        return None
    beside = Path(initdb).resolve().parent / "pg_ctl"  # the same version as initdb
    pg_ctl = str(beside) if beside.is_file() else shutil.which("pg_ctl")
    return Binaries(Path(initdb), Path(pg_ctl)) if pg_ctl else None


def _clean_environment() -> dict[str, str]:
    """The caller's PG* variables (PGDATA, PGPORT, PGOPTIONS...) must not steer our server."""
    return {name: value for name, value in os.environ.items() if not name.startswith("PG")}


class PostgresServer:
    """One running server; `stop()` ends it and removes every file it had."""

    def __init__(self, binaries: Binaries | None = None, *, base: Path | None = None) -> None:
        found = binaries or find_binaries()
        if found is None:
            raise PostgresUnavailable("no PostgreSQL binaries (initdb, pg_ctl) found")
        self.binaries = found
        # initdb refuses to run as root: as root, the server belongs to `postgres`.
        self.as_root = os.geteuid() == 0
        self._names = itertools.count(1)
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None
        self._stopped = False
        if base is None:
            base = Path(tempfile.gettempdir())
            if len(str(base)) > 40:  # a long TMPDIR would overflow the socket path
                base = Path("/tmp")
        self.root = Path(tempfile.mkdtemp(prefix="kp-pg-", dir=base))
        self.data_dir = self.root / "data"
        self.socket_dir: Path = self.root / "socket"
        self.log = self.root / "server.log"
        if len(str(self.socket_dir / f".s.PGSQL.{PORT}")) > SOCKET_PATH_LIMIT:
            self._remove()
            raise PostgresUnavailable(f"socket path too long under {base}")
        self._watchdog = self._watch()
        atexit.register(self.stop)  # no server outlives the tests, even on a crash
        started = time.perf_counter()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started

    def _as_server_user(self, arguments: Sequence[str]) -> list[str]:
        """A server program's command line, as the `postgres` system user when we are root."""
        if self.as_root:
            return ["runuser", "-u", SYSTEM_USER, "--", *arguments]
        return [*arguments]

    def _stop_command(self) -> list[str]:
        return [str(self.binaries.pg_ctl), "-D", str(self.data_dir), "-m", "immediate", "stop"]

    def _watch(self) -> subprocess.Popen[bytes]:
        """pg_ctl puts the server in a session of its own, so a test run killed outright
        (SIGKILL, a timeout killing its process group) would leave it running: a watchdog,
        in its own session too, stops it once our end of its pipe closes without a word."""
        stop = shlex.join(self._as_server_user(self._stop_command()))
        root = shlex.quote(str(self.root))
        return subprocess.Popen(
            ["sh", "-c", f"read -r _ || {{ {stop}; rm -rf {root}; }}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_clean_environment(),
            start_new_session=True,
        )

    def _run(self, arguments: Sequence[str]) -> subprocess.CompletedProcess[str]:
        """Run a server program (initdb, pg_ctl) and capture what it says."""
        return subprocess.run(
            self._as_server_user(arguments),
            cwd=self.root,
            env=_clean_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def _start(self) -> None:
        self.socket_dir.mkdir(mode=0o700)
        if self.as_root:
            try:
                account = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root needs a {SYSTEM_USER!r} system user for the server"
                ) from None
            for path in (self.root, self.socket_dir):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._initdb()
        options = " ".join(
            [
                f"-p {PORT}",
                f"-k {shlex.quote(str(self.socket_dir))}",
                "-c listen_addresses=''",  # no TCP at all
                *(f"-c {setting}" for setting in SETTINGS),
            ]
        )
        started = self._run(
            [str(self.binaries.pg_ctl), "-D", str(self.data_dir), "-l", str(self.log),
             "-w", "-t", "60", "-o", options, "start"]
        )  # fmt: skip
        if started.returncode != 0:
            raise PostgresUnavailable(
                f"pg_ctl start failed ({started.returncode}):\n{started.stdout}{started.stderr}"
                f"\n--- server.log ---\n{self._log_tail()}"
            )

    def _initdb(self) -> None:
        """initdb in C.UTF-8, or plain C where the machine lacks that locale."""
        failures = []
        for locale in ("C.UTF-8", "C"):
            done = self._run(
                [str(self.binaries.initdb), "-D", str(self.data_dir), "-U", SUPERUSER,
                 "-A", "trust", "-E", "UTF8", f"--locale={locale}", "-N"]
            )  # fmt: skip
            if done.returncode == 0:
                return
            failures.append(f"--locale={locale}: {done.stdout}{done.stderr}")
            shutil.rmtree(self.data_dir, ignore_errors=True)  # initdb may leave a half
        raise PostgresUnavailable("initdb failed:\n" + "\n".join(failures))

    def _log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError as error:
            return f"(no log: {error})"

    def url(self, database: str, user: str = SUPERUSER) -> str:
        """A libpq URL through the private socket, e.g.
        postgresql://postgres@/kp_1?host=%2Ftmp%2Fkp-pg-x%2Fsocket&port=5432."""
        who, name = quote(user, safe=""), quote(database, safe="")
        host = quote(str(self.socket_dir), safe="")
        # The port explicitly, or a PGPORT in the environment would win.
        return f"postgresql://{who}@/{name}?host={host}&port={PORT}"

    def _admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        """One autocommit connection to `postgres` for CREATE/DROP, kept open: it is
        cheaper than a new one each time, and never sits in a template."""
        if self._admin is None or self._admin.closed:
            import psycopg

            self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        return self._admin

    def create_database(
        self, name: str | None = None, template: str | None = None, *, owner: str | None = None
    ) -> str:
        """Create a database (a unique name where none is given) and return its URL.
        The template must have no open connections (PostgreSQL's rule); `owner` is a role
        that is to own it, to test the journal without superuser rights."""
        from psycopg import sql

        name = name or f"kp_test_{next(self._names)}_{uuid.uuid4().hex[:8]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        if owner is not None:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        self._admin_connection().execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop it even where a test left a connection open (FORCE ends those).
        A backend whose client just closed is still leaving; DROP would wait for it in
        100 ms steps, so we wait the millisecond or two ourselves first."""
        from psycopg import sql

        admin = self._admin_connection()
        deadline = time.monotonic() + 1
        in_use = "SELECT 1 FROM pg_stat_activity WHERE datname = %s"
        while time.monotonic() < deadline and admin.execute(in_use, [name]).fetchone():
            time.sleep(0.001)
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def create_role(self, name: str, login: bool = True) -> None:
        """An ordinary role: no superuser, cannot create databases or roles."""
        from psycopg import sql

        self._admin_connection().execute(
            sql.SQL("CREATE ROLE {} {} NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
                sql.Identifier(name), sql.SQL("LOGIN" if login else "NOLOGIN")
            )
        )

    def stop(self) -> None:
        """Stop at once (the data is thrown away, so no clean shutdown) and remove the folder."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        if self._admin is not None:
            self._admin.close()
        self._halt()
        self._remove()
        with contextlib.suppress(OSError):  # a watchdog already gone has nothing to hear
            assert self._watchdog.stdin is not None
            self._watchdog.stdin.write(b"stopped\n")  # a word: nothing left to do
            self._watchdog.stdin.close()
        self._watchdog.wait(timeout=30)

    def _halt(self) -> None:
        """pg_ctl stop; should that fail, the same signal (SIGQUIT) from us, then wait:
        never remove the folder of a server that still runs."""
        lock = self.data_dir / "postmaster.pid"
        try:
            pid = int(lock.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return  # never started
        stopped = self._run(self._stop_command())
        if stopped.returncode == 0:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 10
        while lock.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        if lock.exists():
            raise PostgresUnavailable(
                f"server {pid} in {self.root} does not stop:\n{stopped.stdout}{stopped.stderr}"
            )

    def _remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _measure(rounds: int = 20) -> None:
    """Print the median times the tests pay: start-up once, then a database per test."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    def median(values: list[float]) -> str:
        return f"{sorted(values)[len(values) // 2] * 1000:7.1f} ms"

    starts, stops = [], []
    for _ in range(5):
        server = PostgresServer()
        starts.append(server.startup_seconds)
        began = time.perf_counter()
        server.stop()
        stops.append(time.perf_counter() - began)
    print(f"initdb + start {median(starts)}, stop + remove {median(stops)}  (median of 5)")
    with PostgresServer() as server:
        server.create_database("kp_template")
        with psycopg.connect(server.url("kp_template")) as connection:
            connection.execute("CREATE TABLE customers (id integer PRIMARY KEY, name text)")
        for label, template in (("template1", None), ("template0", "template0"),
                                ("kp_template", "kp_template")):  # fmt: skip
            creates, connects, drops = [], [], []
            for _ in range(rounds):
                began = time.perf_counter()
                url = server.create_database(template=template)
                created = time.perf_counter()
                psycopg.connect(url).close()
                connected = time.perf_counter()
                server.drop_database(str(conninfo_to_dict(url)["dbname"]))
                dropped = time.perf_counter()
                creates.append(created - began)
                connects.append(connected - created)
                drops.append(dropped - connected)
            print(
                f"create from {label:<12} {median(creates)}, first connect {median(connects)}"
                f", drop {median(drops)}  (median of {rounds})"
            )


if __name__ == "__main__":
    _measure()
