"""A private PostgreSQL server for the tests: its own cluster in a temporary folder, listening on
127.0.0.1 at a random port, with password authentication (the password comes from a .pgpass
file, as a desktop's would)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PACKAGE = "postgresql"  # Debian's package of the server (initdb, pg_ctl, postgres)
INSTALL_HINT = f"apt-get install {PACKAGE} (packaging/install-system-deps.sh does it as root)"
ADMIN = "archive_admin"
_PROGRAMS = ("initdb", "pg_ctl", "postgres")


def server_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres (PATH first, then Debian's own place)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all((Path(candidate) / name).is_file() for name in _PROGRAMS):
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One cluster: `start`, `stop`, `restart`, `create_database`, `url`."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # Not under pytest's 0700 folders: as root the server runs as the `postgres` user.
        self.root = Path(tempfile.mkdtemp(prefix="seminar-archive-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.password = secrets.token_hex(12)
        self.port = 0
        self.passfile = self.root / "pgpass"
        self._user = "postgres" if os.geteuid() == 0 else None
        self._databases = 0

    def _run(self, *arguments: str, timeout: float = 120) -> None:
        command = [str(self.bin_dir / arguments[0]), *arguments[1:]]
        if self._user is not None:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", self._user, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(arguments[:2])} failed:\n{result.stdout}{result.stderr}")

    def init(self) -> None:
        """Create the cluster (an admin role with a password; scram for every connection)."""
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._user is not None:
            owner = pwd.getpwnam(self._user)
            for path in (self.root, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            ADMIN,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()

    def start(self) -> None:
        """Start on a free port of 127.0.0.1 (no Unix socket, fsync off: a test server)."""
        for _attempt in range(5):
            self.port = self.port or _free_port()
            options = (
                f"-h 127.0.0.1 -p {self.port} -k '' -c fsync=off -c full_page_writes=off"
                " -c synchronous_commit=off -c max_connections=200"
            )
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60", "-l",
                    str(self.root / "server.log"), "start",
                )  # fmt: skip
            except RuntimeError:
                if _port_taken(self.port):
                    self.port = 0  # taken between the probe and the start: another one
                    continue
                raise RuntimeError(self.log()) from None
            self._write_passfile()
            return
        raise RuntimeError("no free port for the PostgreSQL test server")

    def stop(self, mode: str = "fast") -> None:
        """Stop at once (connections are cut, as when a server goes down); `mode` is
        pg_ctl's: "fast" (transactions rolled back, a clean shutdown) or "immediate" (the
        processes killed, recovery at the next start, as after a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Start again on the same port."""
        self.start()

    def log(self) -> str:
        """The server's log so far."""
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _write_passfile(self) -> None:
        self.passfile.write_text(f"127.0.0.1:{self.port}:*:{ADMIN}:{self.password}\n")
        self.passfile.chmod(0o600)

    def url(self, database: str, *, password: bool = False) -> str:
        """The SQLAlchemy URL of `database` (its password only when asked: .pgpass has it)."""
        secret = f":{self.password}" if password else ""
        return f"postgresql+psycopg://{ADMIN}{secret}@127.0.0.1:{self.port}/{database}"

    def admin_sql(self, *statements: str) -> None:
        """Run statements on the `postgres` database, outside a transaction."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=ADMIN,
            password=self.password,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            for statement in statements:
                connection.execute(statement)  # type: ignore[arg-type]

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); its name."""
        self._databases += 1
        name = f"archive_{os.getpid()}_{self._databases}"
        source = f" TEMPLATE {template}" if template else ""
        self.admin_sql(f"CREATE DATABASE {name}{source}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, cutting its connections."""
        self.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def remove(self) -> None:
        """Stop (if running) and delete the cluster."""
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def wait_until_down(server: PostgresServer, timeout: float = 10) -> None:
    """Until nothing listens on the server's port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _port_taken(server.port):
        time.sleep(0.05)
