"""A throwaway PostgreSQL cluster for the archive tests (``haechi archive``, ``haechi worker``).

``PostgresCluster.start()`` runs Debian's (or any) PostgreSQL binaries on a cluster made for the
occasion in a temporary folder: it listens on 127.0.0.1 only, on a free port, with its Unix socket in
that folder; TCP logins need a password (SCRAM-SHA-256), the socket is trusted. It holds a
superuser ``postgres`` and a login role ``haechi`` that owns the database ``haechi``; each test can
ask for a fresh empty database of its own (``fresh_database``). ``stop()`` stops the server
(``pg_ctl stop -m immediate``: nothing in it is worth keeping) and removes the folder.

PostgreSQL refuses to run as root, and CI runs as root: then ``initdb`` and ``pg_ctl`` run as an
unprivileged user (``postgres``, which Debian's package creates, else ``nobody``) through
``runuser -u USER --`` (or ``setpriv``), and the folder is handed to that user. Not as root, they run
as the caller.

When the cluster cannot start (no binaries, ``initdb`` or the server fails), ``PostgresUnavailable``
says why; the tests' fixture turns it into a skip that says so.

By hand, ``.venv/bin/python Tests/Interop/postgres.py`` starts one, prints its URL and passwords, and
keeps it until Ctrl-C.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Where the server binaries may be: $HAECHI_PG_BINDIR first, then Debian's versioned folders (highest
#: version first), then ``pg_config --bindir``, then $PATH.
BINDIR_ENV = "HAECHI_PG_BINDIR"
DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"
#: The users the server runs as when we are root, in order of preference.
UNPRIVILEGED_USERS = ("postgres", "nobody")
SUPERUSER = "postgres"
ROLE = "haechi"
DATABASE = "haechi"
HOST = "127.0.0.1"
START_TIMEOUT_S = 60
COMMAND_TIMEOUT_S = 120
#: Settings for a cluster whose data does not need to survive a crash: faster, and small.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "timezone": "UTC",
    "password_encryption": "scram-sha-256",
}


class PostgresUnavailable(RuntimeError):
    """The cluster cannot start here; the message says why, in a sentence a person can act on."""


def find_bindir() -> Path:
    """The folder of ``initdb``, ``pg_ctl`` and ``postgres``; raises ``PostgresUnavailable`` when none is found."""
    candidates: list[Path] = []
    if os.environ.get(BINDIR_ENV):
        candidates.append(Path(os.environ[BINDIR_ENV]))

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)

    candidates += sorted((Path(p) for p in __import__("glob").glob(DEBIAN_BINDIRS)), key=version, reverse=True)
    if shutil.which("pg_config"):
        try:
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=30)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).resolve().parent)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    looked = ", ".join(str(c) for c in candidates) or f"{DEBIAN_BINDIRS}, pg_config --bindir, $PATH"
    raise PostgresUnavailable(f"no PostgreSQL server binaries (initdb, pg_ctl, postgres) found (looked in {looked})")


def unprivileged_user() -> pwd.struct_passwd | None:
    """The user the server runs as: ``None`` (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable(f"running as root, and none of the users {', '.join(UNPRIVILEGED_USERS)} exists "
                              f"to run the server as (PostgreSQL refuses to run as root)")


def as_user_prefix(user: pwd.struct_passwd | None) -> list[str]:
    """The command prefix that runs the rest as ``user`` (empty: as ourselves)."""
    if user is None:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", user.pw_name, "--"]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", "--"]
    raise PostgresUnavailable(f"running as root, but neither runuser nor setpriv is here to run the server as {user.pw_name}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class PostgresCluster:
    """A running throwaway cluster (made by ``start()``)."""

    root: Path
    bindir: Path
    port: int
    superuser_password: str
    haechi_password: str
    run_as: pwd.struct_passwd | None = None
    host: str = HOST
    superuser: str = SUPERUSER
    role: str = ROLE
    database: str = DATABASE
    _databases: set[str] = field(default_factory=set)
    _stopped: bool = False

    # -- where things are ----------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str | None = None, *, user: str | None = None) -> str:
        """A libpq URL, without any password: ``postgresql://haechi@127.0.0.1:PORT/haechi``."""
        return f"postgresql://{user or self.role}@{self.host}:{self.port}/{database or self.database}"

    def password_of(self, user: str) -> str:
        return self.superuser_password if user == self.superuser else self.haechi_password

    def server_log(self, tail: int = 4000) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    # -- connecting --------------------------------------------------------------------------------

    def connect(self, *, superuser: bool = False, database: str | None = None, autocommit: bool = True, **kwargs):
        """A psycopg (3) connection over TCP with the password: as the superuser, or as ``haechi``."""
        import psycopg
        user = self.superuser if superuser else self.role
        return psycopg.connect(host=self.host, port=self.port, user=user, password=self.password_of(user),
                               dbname=database or self.database, autocommit=autocommit, connect_timeout=10, **kwargs)

    def fresh_database(self, name: str) -> str:
        """A new empty database owned by ``haechi``, named after ``name`` (made unique and legal), and its URL."""
        base = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")[:40] or "db"
        candidate, n = base, 1
        while candidate in self._databases or candidate in (self.database, "postgres", "template0", "template1"):
            n += 1
            candidate = f"{base}_{n}"
        with self.connect(superuser=True, database="postgres") as conn:
            conn.execute(f"CREATE DATABASE {_quote_identifier(candidate)} OWNER {_quote_identifier(self.role)}")
        self._databases.add(candidate)
        return self.url(candidate)

    # -- life cycle ---------------------------------------------------------------------------------

    def _run(self, argv: list[str], what: str, *, timeout: float = COMMAND_TIMEOUT_S) -> subprocess.CompletedProcess:
        """Run a server tool as the cluster's user, in its folder, without the caller's PG* variables."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        if self.run_as is not None:
            env.update(HOME=self.run_as.pw_dir, USER=self.run_as.pw_name, LOGNAME=self.run_as.pw_name)
        try:
            return subprocess.run([*as_user_prefix(self.run_as), *argv], capture_output=True, text=True, cwd=self.root,
                                  env=env, stdin=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise PostgresUnavailable(f"{what} did not finish within {timeout} s") from error
        except OSError as error:
            raise PostgresUnavailable(f"{what} could not be run: {error}") from error

    def _initdb(self) -> None:
        pwfile = self.root / "superuser.pw"
        pwfile.write_text(self.superuser_password + "\n")
        pwfile.chmod(0o600)
        if self.run_as is not None:
            os.chown(pwfile, self.run_as.pw_uid, self.run_as.pw_gid)
        result = self._run([str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", self.superuser,
                            f"--pwfile={pwfile}", "--auth-host=scram-sha-256", "--auth-local=trust",
                            "-E", "UTF8", "--no-locale", "--no-sync"], "initdb")
        pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise PostgresUnavailable(f"initdb failed (exit {result.returncode}"
                                      f"{', as user ' + self.run_as.pw_name if self.run_as else ''}): "
                                      f"{(result.stderr or result.stdout).strip()[-1500:]}")
        settings = dict(SERVER_SETTINGS, listen_addresses=self.host, port=str(self.port),
                        unix_socket_directories=str(self.socket_dir))
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# haechi tests (Tests/Interop/postgres.py)\n")
            for key, value in settings.items():
                conf.write(f"{key} = {_quote_literal(value)}\n")

    def _start_server(self) -> None:
        result = self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file), "-w",
                            "-t", str(START_TIMEOUT_S), "start"], "pg_ctl start", timeout=START_TIMEOUT_S + 30)
        if result.returncode != 0:
            raise PostgresUnavailable(f"the server did not start (pg_ctl exit {result.returncode}): "
                                      f"{(result.stderr or result.stdout).strip()[-800:]}\n"
                                      f"--- {self.log_file} ---\n{self.server_log(2000)}")

    def _create_role_and_database(self) -> None:
        with self.connect(superuser=True, database="postgres") as conn:
            conn.execute(f"CREATE ROLE {_quote_identifier(self.role)} LOGIN PASSWORD {_quote_literal(self.haechi_password)}")
            conn.execute(f"CREATE DATABASE {_quote_identifier(self.database)} OWNER {_quote_identifier(self.role)}")

    def stop(self) -> None:
        """Stop the server (immediate shutdown) and remove the folder. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        if (self.data_dir / "postmaster.pid").exists():
            result = self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w",
                                "-t", "30", "stop"], "pg_ctl stop", timeout=60)
            if result.returncode != 0:
                self._kill_postmaster()
        shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        """pg_ctl could not stop it: SIGKILL the postmaster this cluster started (its pid from postmaster.pid)."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def __enter__(self) -> "PostgresCluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @classmethod
    def start(cls, *, attempts: int = 3) -> "PostgresCluster":
        """A new cluster, started, with the role and database made. Raises ``PostgresUnavailable``."""
        try:
            import psycopg  # noqa: F401
        except ImportError as error:
            raise PostgresUnavailable(f"the Python client psycopg is not installed ({error}; "
                                      f"pip install -r Tests/Interop/requirements.txt)") from error
        bindir = find_bindir()
        run_as = unprivileged_user()
        as_user_prefix(run_as)  # fails early when there is no way to switch user
        last: PostgresUnavailable | None = None
        for _ in range(attempts):  # a free port can be taken between choosing it and binding it: try again
            # Not under pytest's tmp_path: its folders are closed (0700) to the server's user.
            root = Path(tempfile.mkdtemp(prefix="haechi-pg-"))
            cluster = cls(root=root, bindir=bindir, port=free_port(), superuser_password=secrets.token_urlsafe(18),
                          haechi_password=secrets.token_urlsafe(18), run_as=run_as)
            atexit.register(cluster.stop)
            try:
                if run_as is not None:
                    os.chown(root, run_as.pw_uid, run_as.pw_gid)
                    root.chmod(0o700)
                    reach = cluster._run(["test", "-w", str(root)], "a check of the folder")
                    if reach.returncode != 0:
                        raise PostgresUnavailable(f"user {run_as.pw_name} cannot reach {root} (a parent folder is closed "
                                                  f"to it); point TMPDIR at a folder it can reach")
                cluster._initdb()
                cluster._start_server()
                cluster._create_role_and_database()
                return cluster
            except PostgresUnavailable as error:
                log = cluster.server_log()
                cluster.stop()
                if "already in use" in str(error) or "already in use" in log:
                    last = error
                    continue
                raise
            except Exception as error:
                cluster.stop()
                raise PostgresUnavailable(f"the cluster started but could not be set up: {error!r}") from error
        raise last or PostgresUnavailable("no free port")


if __name__ == "__main__":
    with PostgresCluster.start() as cluster:
        print(f"PostgreSQL from {cluster.bindir}, running as {cluster.run_as.pw_name if cluster.run_as else 'me'}")
        print(f"url:                {cluster.url()}")
        print(f"haechi password:    {cluster.haechi_password}")
        print(f"superuser:          {cluster.url('postgres', user=cluster.superuser)} password {cluster.superuser_password}")
        print(f"socket folder:      {cluster.socket_dir} (trusted: psql -h {cluster.socket_dir} -p {cluster.port} -U postgres)")
        print("Ctrl-C stops and removes it.")
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
