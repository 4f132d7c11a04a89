"""The throwaway PostgreSQL server the tests start themselves (issue 17): that it is the
version we promise, gives each test its own empty database, and is reachable by no
one else."""

import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests import postgres_server as harness
from tests.postgres_server import PostgresServer, PostgresUnavailable

try:
    import psycopg
except ImportError:  # every test here takes the server: the fixture skips (fails in CI)
    pass

SEEN_DATABASES: list[str] = []


def name_of(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(url)["dbname"])


def server_uid() -> int:
    """Who runs the server: `postgres` when the tests run as root (initdb refuses root)."""
    return pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for init to reap it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return not re.search(r"^State:\s+Z", status, re.MULTILINE)


def test_the_server_is_postgresql_15_or_newer(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as connection:
        (version,) = connection.execute("SELECT version()").fetchone()
        (number,) = connection.execute("SHOW server_version_num").fetchone()
    major = re.match(r"PostgreSQL (\d+)", version)
    assert major and int(major.group(1)) >= 15, version
    assert int(number) >= 150000


@pytest.mark.parametrize("round", [1, 2])
def test_each_test_gets_a_fresh_empty_database(
    round: int, postgres_server: PostgresServer, postgres_url: str
) -> None:
    """Run twice: the second sees neither the first's database nor its table."""
    with psycopg.connect(postgres_url) as connection:
        (name,) = connection.execute("SELECT current_database()").fetchone()
        tables = connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        others = connection.execute(
            "SELECT datname FROM pg_database WHERE datname = ANY(%s)", [SEEN_DATABASES]
        ).fetchall()
        connection.execute("CREATE TABLE left_behind (round integer)")
        connection.execute("INSERT INTO left_behind VALUES (%s)", [round])
    assert name == name_of(postgres_url)
    assert name not in SEEN_DATABASES
    assert tables == []
    assert others == [], "an earlier test's database was not dropped"
    SEEN_DATABASES.append(name)


def test_a_database_made_from_a_template_has_its_tables(postgres_server: PostgresServer) -> None:
    template = f"kp_template_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server.create_database(template)) as connection:
        connection.execute("CREATE TABLE customers (id integer PRIMARY KEY, name text)")
        connection.execute("INSERT INTO customers VALUES (1, 'Jördis Ähnlich')")
    copy = postgres_server.create_database(template=template)
    try:
        with psycopg.connect(copy) as connection:
            rows = connection.execute("SELECT id, name FROM customers").fetchall()
            (encoding,) = connection.execute("SHOW server_encoding").fetchone()
        assert rows == [(1, "Jördis Ähnlich")]
        assert encoding == "UTF8"
        assert name_of(copy) != template
    finally:
        postgres_server.drop_database(name_of(copy))
        postgres_server.drop_database(template)


def test_a_created_role_logs_in_but_cannot_create_databases(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    role = f"kp_clerk_{uuid.uuid4().hex[:8]}"
    postgres_server.create_role(role)
    as_role = postgres_server.url(name_of(postgres_url), user=role)
    with psycopg.connect(as_role, autocommit=True) as connection:
        who = connection.execute("SELECT current_user, session_user").fetchone()
        (superuser,) = connection.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(f'CREATE DATABASE "{role}_own"')
    assert who == (role, role)
    assert superuser is False


def test_a_role_without_login_cannot_connect(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    role = f"kp_group_{uuid.uuid4().hex[:8]}"
    postgres_server.create_role(role, login=False)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(postgres_server.url(name_of(postgres_url), user=role)).close()


def test_the_server_is_reachable_only_through_its_private_socket(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url) as connection:
        (listening,) = connection.execute("SHOW listen_addresses").fetchone()
        (address,) = connection.execute("SELECT inet_server_addr()").fetchone()
        (socket_dirs,) = connection.execute("SHOW unix_socket_directories").fetchone()
    assert listening == ""  # no TCP port at all
    assert address is None  # this very connection came through the Unix socket
    assert socket_dirs == str(postgres_server.socket_dir)
    folder = postgres_server.socket_dir.stat()
    assert folder.st_mode & 0o777 == 0o700
    assert folder.st_uid == server_uid()
    assert (postgres_server.socket_dir / f".s.PGSQL.{harness.PORT}").is_socket()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
def test_the_server_process_holds_no_tcp_socket(postgres_server: PostgresServer) -> None:
    """What the kernel says, beyond what the server's settings say."""
    pid = int((postgres_server.data_dir / "postmaster.pid").read_text().split()[0])
    uids = re.search(r"^Uid:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    assert uids and int(uids.group(1)) == server_uid()  # never root
    held = {
        link.removeprefix("socket:[").removesuffix("]")
        for link in (os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir())
        if link.startswith("socket:[")
    }
    tcp = {
        line.split()[9]
        for table in ("/proc/net/tcp", "/proc/net/tcp6")
        if Path(table).exists()
        for line in Path(table).read_text().splitlines()[1:]
    }
    assert held, "the postmaster should hold its Unix socket"
    assert not held & tcp


def test_stop_ends_the_server_and_leaves_no_files(postgres_server: PostgresServer) -> None:
    server = PostgresServer(postgres_server.binaries)
    pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    assert running(pid)
    server.stop()
    server.stop()  # twice is harmless: the fixture and atexit may both call it
    assert not running(pid)
    assert not server.root.exists()


def test_a_test_run_killed_outright_leaves_no_server_behind(
    postgres_server: PostgresServer,
) -> None:
    """SIGKILL runs no teardown and no atexit; the watchdog must stop the server."""
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    root_text, pid_text = killed.stdout.split()
    root, pid = Path(root_text), int(pid_text)
    deadline = time.monotonic() + 10
    while (running(pid) or root.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(pid)
    assert not root.exists()


KILLED_RUN = """
import os, signal
from tests.postgres_server import PostgresServer
server = PostgresServer()
pid = (server.data_dir / "postmaster.pid").read_text().split()[0]
print(server.root, pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_server_that_cannot_start_says_why_and_leaves_no_files(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "SETTINGS", (*harness.SETTINGS, "shared_buffers=plenty"))
    base = Path(tempfile.mkdtemp(prefix="kp-t-", dir="/tmp"))  # short: the socket path
    try:
        base.chmod(0o755)  # the `postgres` user must reach it when we are root
        with pytest.raises(PostgresUnavailable) as failure:
            PostgresServer(postgres_server.binaries, base=base)
        assert 'invalid value for parameter "shared_buffers": "plenty"' in str(failure.value)
        assert list(base.iterdir()) == []
    finally:
        shutil.rmtree(base)


def test_a_socket_path_too_long_for_unix_is_refused_before_anything_starts(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """Unix socket paths end at 107 bytes; past that the server would fail obscurely."""
    base = tmp_path / ("x" * 80)
    base.mkdir()
    with pytest.raises(PostgresUnavailable, match="socket path too long"):
        PostgresServer(postgres_server.binaries, base=base)
    assert list(base.iterdir()) == []
