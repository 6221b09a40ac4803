#!/usr/bin/python3
"""A private PostgreSQL + httpd stack for mod_carechain (`make run` and the pytest API suite).

Standard library only; run it with Debian's /usr/bin/python3.

    /usr/bin/python3 tests/stack.py run --dir var --port 8080   # development server (make run)
    /usr/bin/python3 tests/stack.py selftest                    # PostgreSQL only, no build needed
    /usr/bin/python3 tests/stack.py stop --dir var              # stop servers left over by a crash

Layout of a stack directory (``base_dir``)::

    conninfo            libpq connection string of the private cluster
    pg/data/            the cluster (initdb on first start, reused afterwards)
    pg/log              PostgreSQL's log
    pg/port             port chosen on first start (also names the unix socket)
    pg/run/             unix socket directory (a short /tmp/ccpg-XXXX when base_dir is long)
    httpd.conf          generated from conf/dev/httpd.conf.in
    httpd/              error.log, access.log, httpd.pid, run/, the copied mod_carechain.so
    jwt.key             48 random bytes, mode 0600
    mail/               CarechainMailTransport file: target
    upload/             CarechainUploadTempDir (mode 0700; spool files are unlinked at once)
    htdocs/             a copy of the repository's htdocs/, only when the servers cannot read that
    dev-credentials.json  written by `run` (root's, mode 0600: the servers never read it)
    origin              only in a runtime directory (below): the path that links to it

PostgreSQL listens on its unix socket only (listen_addresses=''); httpd on 127.0.0.1.

Root: initdb/postgres refuse to run as root, so when euid == 0 a system user ``carechain`` is
created if needed, base_dir is chowned to it, and initdb, pg_ctl, psql and apache2 run through
``runuser -u carechain --`` (httpd then never needs a User directive). carechainctl itself is a
plain libpq client and runs as the invoking user.

Root, from a folder the service user cannot reach (a checkout in root's 0700 home, a 0700
mktemp -d): the permissions of the caller's folders are never changed. Instead, when that user
cannot search the parent of the stack directory, the files live in a runtime directory
``/var/lib/carechain-dev/<first 12 hex digits of the SHA-256 of the stack directory's absolute
path>/`` (/var/lib/carechain-dev 0755 root, the leaf 0700 carechain) and the stack directory
becomes a symlink to it: var/dev-credentials.json, var/conninfo (which carechainctl reads as
<its directory>/../var/conninfo), the logs and the mails stay where the README says, the same
path always finds the same runtime directory (a second `make run` reuses the data, even after
``rm var``), and ``stop --dir var`` follows the link. Files already in a real stack directory
there move into the runtime directory. The servers are given the resolved paths only, so they
never walk the caller's folders. Whatever the stack directory, httpd's DocumentRoot is the
repository's htdocs/ when the service user can read every file of it, otherwise a copy in
base_dir/htdocs/ made afresh at each start_httpd (temporary stacks under /tmp are reachable,
their repository may not be); everything else httpd and PostgreSQL read is under base_dir or
in the system (module copy, key, config, sockets). Remove a runtime directory by hand when its
checkout is gone (its ``origin`` file names the path).
"""

import argparse
import csv
import hashlib
import io
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
APACHE2 = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
RUNUSER = "/usr/sbin/runuser"
SERVICE_USER = "carechain"
# As root, the files of a stack directory the service user cannot reach (see the docstring).
RUNTIME_ROOT = Path("/var/lib/carechain-dev")

DB_NAME = "carechain"
DB_ROLE = "carechain"
# Session settings live on the role (DBDInitSQL is lost when mod_dbd reconnects).
ROLE_SETTINGS = [
    ("plan_cache_mode", "force_generic_plan"),
    ("statement_timeout", "15s"),
    ("timezone", "UTC"),
    ("idle_in_transaction_session_timeout", "60s"),
    ("client_encoding", "UTF8"),
    # JIT compiles the generic plans of broad queries (rankings, counts) for tens of ms per
    # call: a loss for every request an API makes
    ("jit", "off"),
]

SOCKET_PATH_MAX = 100  # bytes, for "<sockdir>/.s.PGSQL.<port>" (sun_path is 108)
PG_START_TIMEOUT = 30
HTTPD_START_TIMEOUT = 20
HTTPD_STOP_TIMEOUT = 20

# Error-log levels that count as problems, and messages that always do.
PROBLEM_LEVELS = {"emerg", "alert", "crit", "error", "warn"}
ALWAYS_PROBLEMS = [
    re.compile(r"\bAH00632\b"),  # mod_dbd: failed to prepare a statement (every connection dies)
    re.compile(r"\bAH0005[12]\b"),  # child exited on a signal (segfault, abort): logged as notice
    re.compile(r"\bAH00060\b"),  # "seg fault or similar nasty error detected in the parent"
]
LOG_LINE_RE = re.compile(r"^\[[^\]]*\] \[([^\]:]*):([a-z0-9]+)\]")

DEV_ADMIN_EMAIL = "admin@carechain.local"


class StackError(RuntimeError):
    """A server of the stack could not be started, reached or stopped."""


# ------------------------------------------------------------------------------------------------
# small helpers


def free_port():
    """A TCP port on 127.0.0.1 that the OS says is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port):
    """True when something already holds 127.0.0.1:port (or the port cannot be bound).

    SO_REUSEADDR, as httpd binds: connections of a server that just stopped linger in TIME_WAIT
    for a minute and must not make a second `make run` on the same port fail; a listener still
    refuses the bind."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def pid_alive(pid, name_hint=None):
    """True when pid runs (and, with name_hint, its command line mentions it)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:  # a zombie (not yet reaped by init) has exited
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False
    except (OSError, IndexError):
        pass
    if name_hint:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return name_hint.encode() in cmdline
    return True


def read_pid(path):
    """First line of a pid file as int, or None."""
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def child_pids(pid):
    """Pids whose parent is pid (from /proc)."""
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[1] == str(pid):
            kids.append(int(entry.name))
    return kids


def tail(path, lines=40):
    """The last lines of a text file ('' if missing)."""
    try:
        data = Path(path).read_bytes()[-64 * 1024:]
    except OSError:
        return ""
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


def write_atomic(path, data, mode=0o644):
    """Write bytes/str to path through a temporary file and rename (never rewrite in place)."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode()
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def clean_env(extra=None):
    """os.environ without libpq's PG* variables (they would redirect psql/pg_ctl)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCLIENTENCODING"] = "UTF8"
    if extra:
        env.update(extra)
    return env


# ------------------------------------------------------------------------------------------------


class Stack:
    """A private PostgreSQL cluster and httpd instance under base_dir.

    Methods: start_postgres, stop_postgres, restart_postgres, migrate, seed_masters,
    create_superuser, sample_data, start_httpd, stop_httpd, stop, psql, error_log_problems;
    usable as a context manager (``with Stack(d) as s:`` always stops both servers on exit; it
    starts nothing by itself).
    """

    def __init__(self, base_dir, http_port=None, mpm="event", repo=REPO_ROOT, bcrypt_cost=10,
                 extra_conf="", pg_fsync=True, verbose=False, new_session=False,
                 background=False, mail_transport=None, mail_conf=""):
        if mpm not in ("event", "prefork"):
            raise ValueError(f"mpm must be 'event' or 'prefork', not {mpm!r}")
        # stack_dir: the directory as the caller named it (var); base_dir: where the files are,
        # the same directory unless stack_dir is a symlink (to a runtime directory, see the
        # module docstring), resolved so that the servers never walk the caller's parents.
        self.stack_dir = Path(os.path.abspath(base_dir))
        self.base_dir = (Path(os.path.realpath(self.stack_dir)) if self.stack_dir.is_symlink()
                         else self.stack_dir)
        self.repo = Path(os.path.abspath(repo))
        self.http_port = int(http_port) if http_port else None
        self.mpm = mpm
        self.bcrypt_cost = int(bcrypt_cost)
        self.extra_conf = extra_conf or ""
        # The background tasks (services/worker.c): on for `make run`; off in the shared test
        # stack, whose tests place rows in time and deliver mail through requests (file:), and
        # must not race a sweep. tests/api/test_smtp.py and test_background.py turn them on.
        self.background = background
        # CarechainMailTransport (default: file: into mail/) and lines for its other directives
        self.mail_transport = mail_transport
        self.mail_conf = mail_conf or ""
        self.pg_fsync = pg_fsync  # False: fsync/synchronous_commit off (throw-away test clusters)
        self.verbose = verbose
        # True: the servers start in their own session, so a Ctrl-C meant for the caller (make
        # bench) does not reach PostgreSQL or httpd before the caller has finished with them.
        self.new_session = new_session
        # Regexes of error-log lines a test expects; see error_log_problems().
        self.allowed_log_patterns = []

        self._set_layout()

        self.ctl = self.repo / "build" / "carechainctl"
        self.module_so = self.repo / "build" / "mod_carechain.so"
        self.template = self.repo / "conf" / "dev" / "httpd.conf.in"

        self.document_root = None  # chosen by start_httpd (the repository's htdocs/ or a copy)
        self.apidocs_dir = None  # likewise for apidocs/ (/api/docs/)
        self.pg_port = None
        self.sockdir = None
        self._tmp_sockdir = None  # a /tmp/ccpg-XXXX we created and must remove
        self.conninfo = None
        self.pg_created = False  # True when this object ran initdb
        self.migrated = False
        self._pg_started = False
        self._httpd_started = False
        self._log_offset = None

        self.as_root = os.geteuid() == 0
        self._uid = None
        self._gid = None

    def _set_layout(self):
        """The paths of the files under base_dir (again after _relocate() moved it)."""
        self.pg_dir = self.base_dir / "pg"
        self.pg_data = self.pg_dir / "data"
        self.pg_log = self.pg_dir / "log"
        self.pg_port_file = self.pg_dir / "port"
        self.conninfo_file = self.base_dir / "conninfo"
        self.httpd_dir = self.base_dir / "httpd"
        self.httpd_conf = self.base_dir / "httpd.conf"
        self.error_log = self.httpd_dir / "error.log"
        self.access_log = self.httpd_dir / "access.log"
        self.pid_file = self.httpd_dir / "httpd.pid"
        self.runtime_dir = self.httpd_dir / "run"
        self.module_copy = self.httpd_dir / "mod_carechain.so"
        self.jwt_key = self.base_dir / "jwt.key"
        self.mail_dir = self.base_dir / "mail"
        self.upload_dir = self.base_dir / "upload"
        self.credentials_file = self.base_dir / "dev-credentials.json"
        self.htdocs_copy = self.base_dir / "htdocs"
        self.apidocs_copy = self.base_dir / "apidocs"

    def shown(self, path):
        """path as the user knows it: through stack_dir (var/...) when base_dir lies elsewhere."""
        path = Path(path)
        if self.base_dir != self.stack_dir:
            try:
                return self.stack_dir / path.relative_to(self.base_dir)
            except ValueError:
                pass
        return path

    # -- context manager --------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.http_port}" if self.http_port else None

    # -- running commands -------------------------------------------------------------------------

    def _as_service(self, argv):
        """argv prefixed with runuser when we are root."""
        argv = [str(a) for a in argv]
        if self.as_root:
            return [RUNUSER, "-u", SERVICE_USER, "--"] + argv
        return argv

    def _run(self, argv, service=True, check=True, timeout=120, input=None, env=None, cwd=None):
        """Run a command (as the service user if service and root) in cwd (default base_dir);
        CompletedProcess, text mode."""
        cmd = self._as_service(argv) if service else [str(a) for a in argv]
        if self.verbose:
            print("+", " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
        try:
            proc = subprocess.run(cmd, input=input, capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", timeout=timeout,
                                  cwd=str(cwd or self.base_dir), env=env or clean_env(),
                                  start_new_session=self.new_session)
        except subprocess.TimeoutExpired as e:
            raise StackError(f"timed out after {timeout}s: {' '.join(cmd)}") from e
        if check and proc.returncode != 0:
            raise StackError(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                             f"{proc.stdout}{proc.stderr}".rstrip())
        return proc

    def _ensure_user(self):
        """As root: make sure the unprivileged service user exists; remember its uid/gid."""
        if not self.as_root or self._uid is not None:
            return
        try:
            pw = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            subprocess.run(["/usr/sbin/useradd", "--system", "--no-create-home",
                            "--shell", "/usr/sbin/nologin", SERVICE_USER],
                           check=True, capture_output=True)
            pw = pwd.getpwnam(SERVICE_USER)
        self._uid, self._gid = pw.pw_uid, pw.pw_gid

    def _chown(self, path):
        if self.as_root:
            os.lchown(path, self._uid, self._gid)

    def _chown_tree(self, top):
        """As root: hand top and everything below to the service user (credentials excepted)."""
        if not self.as_root:
            return
        top = Path(top)
        self._chown(top)
        for root, dirs, files in os.walk(top):
            for name in dirs + files:
                if root == str(self.base_dir) and name == self.credentials_file.name:
                    continue
                p = os.path.join(root, name)
                try:
                    st = os.lstat(p)
                    if st.st_uid != self._uid or st.st_gid != self._gid:
                        os.lchown(p, self._uid, self._gid)
                except FileNotFoundError:
                    pass

    def prepare_dir(self):
        """Create base_dir for the servers (as root: owned by the service user, moved to a
        runtime directory when that user cannot reach it; see the module docstring) and return
        it; start_postgres and start_httpd do this themselves."""
        self._prepare_base_dir()
        return self.base_dir

    def _service_test(self, *expr):
        """As root: True when `test EXPR` succeeds as the service user (it resolves every
        parent directory with that user's rights)."""
        return self._run(["/usr/bin/test"] + list(expr), check=False, cwd="/").returncode == 0

    def _prepare_base_dir(self):
        self._ensure_user()
        if self.as_root:
            if self.base_dir.parent == RUNTIME_ROOT:  # var links here: (re)create the target
                self._make_runtime_dir(self.base_dir)
            else:
                self.base_dir.parent.mkdir(parents=True, exist_ok=True)
                if not self._service_test("-x", self.base_dir.parent):
                    self._relocate()
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self._chown_tree(self.base_dir)
        if self.as_root and not self._service_test("-w", self.base_dir, "-a", "-x", self.base_dir):
            raise StackError(f"{self.base_dir} is not reachable by user {SERVICE_USER}: "
                             "every parent directory must be searchable (o+x)")

    def _make_runtime_dir(self, path):
        """RUNTIME_ROOT (0755, root) and path below it (0700, the service user's)."""
        if not RUNTIME_ROOT.is_dir():
            RUNTIME_ROOT.mkdir(parents=True, exist_ok=True)
            RUNTIME_ROOT.chmod(0o755)  # whatever root's umask: the service user must search it
        path.mkdir(mode=0o700, exist_ok=True)
        self._chown(path)

    def _relocate(self):
        """As root, when the service user cannot search the parent of base_dir: keep the files
        in RUNTIME_ROOT/<hash of the path> and make base_dir a symlink to it. Files already in
        base_dir (a run from before its parents were closed) move there."""
        link = Path(os.path.realpath(self.base_dir.parent)) / self.base_dir.name
        target = RUNTIME_ROOT / hashlib.sha256(os.fsencode(str(link))).hexdigest()[:12]
        self._make_runtime_dir(target)
        if link.is_dir():
            entries = list(link.iterdir())
            if entries and any(target.iterdir()):
                raise StackError(f"{link} cannot be reached by user {SERVICE_USER} and holds"
                                 f" files, and {target} (where they would go) holds others:"
                                 " remove one of the two")
            for entry in entries:
                shutil.move(str(entry), str(target / entry.name))
            link.rmdir()
        os.symlink(target, link)
        write_atomic(target / "origin", f"{link}\n")  # which checkout this is, for a cleanup
        print(f"stack.py: user {SERVICE_USER} cannot reach {link}: its files are in {target}"
              f" ({link.name} links there)", file=sys.stderr)
        self.base_dir = target
        self._set_layout()

    # -- PostgreSQL -------------------------------------------------------------------------------

    def _socket_file(self, port=None):
        return Path(self.sockdir) / f".s.PGSQL.{port or self.pg_port}"

    def _choose_sockdir(self):
        candidate = self.pg_dir / "run"
        if len(os.fsencode(str(candidate / ".s.PGSQL.65535"))) < SOCKET_PATH_MAX:
            candidate.mkdir(mode=0o700, exist_ok=True)
            self._chown(candidate)
            return candidate
        self._tmp_sockdir = Path(tempfile.mkdtemp(prefix="ccpg-", dir="/tmp"))
        self._chown(self._tmp_sockdir)
        return self._tmp_sockdir

    def _pg_port_taken(self, port):
        if port_in_use(port):
            return True
        lock = Path(str(self._socket_file(port)) + ".lock")
        return lock.exists() and pid_alive(read_pid(lock), "postgres")

    def _running_postmaster(self):
        pid = read_pid(self.pg_data / "postmaster.pid")
        return pid if pid_alive(pid, "postgres") else None

    def start_postgres(self):
        """Start the cluster (initdb on first use), ensure role/database, write conninfo."""
        self._prepare_base_dir()
        self.pg_dir.mkdir(exist_ok=True)
        self._chown(self.pg_dir)

        if self.pg_port is None:  # first start for this object; restarts reuse port and socket
            running = self._running_postmaster()
            if running:
                raise StackError(
                    f"a PostgreSQL server (pid {running}) is already running on {self.pg_data}; "
                    f"stop it with: /usr/bin/python3 {Path(__file__).resolve()} stop "
                    f"--dir {self.base_dir}")
            self.sockdir = self._choose_sockdir()
            try:
                port = int(self.pg_port_file.read_text().strip())
            except (OSError, ValueError):
                port = None
            if port is None or self._pg_port_taken(port):
                port = free_port()
                while self._pg_port_taken(port):
                    port = free_port()
            self.pg_port = port
            write_atomic(self.pg_port_file, f"{port}\n")
            self._chown(self.pg_port_file)

        if not (self.pg_data / "PG_VERSION").exists():
            if self.pg_data.exists() and any(self.pg_data.iterdir()):
                raise StackError(f"{self.pg_data} exists but is not a PostgreSQL cluster")
            self._run([PG_BIN / "initdb", "-D", self.pg_data, "-U", "postgres", "-E", "UTF8",
                       "--locale=C.UTF-8", "--auth=trust"], timeout=180)
            self.pg_created = True

        opts = ["-p", str(self.pg_port), "-k", str(self.sockdir),
                "-c", "listen_addresses=", "-c", "max_connections=100"]
        if not self.pg_fsync:
            opts += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                     "-c", "full_page_writes=off"]
        self._pg_started = True
        proc = self._run([PG_BIN / "pg_ctl", "-D", self.pg_data, "-l", self.pg_log, "-w",
                          "-t", str(PG_START_TIMEOUT), "-o", " ".join(shlex.quote(o) for o in opts),
                          "start"], check=False, timeout=PG_START_TIMEOUT + 30)
        if proc.returncode != 0:
            raise StackError(f"PostgreSQL did not start:\n{proc.stdout}{proc.stderr}\n"
                             f"--- {self.pg_log} ---\n{tail(self.pg_log)}")
        self._wait_postgres()
        self._bootstrap()
        self.conninfo = (f"host={self.sockdir} port={self.pg_port} "
                         f"dbname={DB_NAME} user={DB_ROLE}")
        write_atomic(self.conninfo_file, self.conninfo + "\n")
        self._chown(self.conninfo_file)
        return self

    def _wait_postgres(self):
        deadline = time.monotonic() + PG_START_TIMEOUT
        while True:
            proc = self._run([PG_BIN / "pg_isready", "-q", "-h", self.sockdir, "-p", self.pg_port,
                              "-d", "postgres", "-U", "postgres", "-t", "2"], check=False)
            if proc.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise StackError(f"PostgreSQL does not accept connections on {self.sockdir}:"
                                 f"{self.pg_port}\n--- {self.pg_log} ---\n{tail(self.pg_log)}")
            time.sleep(0.2)

    def _bootstrap(self):
        """Create role and database if missing; (re)apply the role settings (idempotent)."""
        sql = [f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DB_ROLE}') THEN
                CREATE ROLE {DB_ROLE} LOGIN;
              END IF; END $$;"""]
        sql += [f"ALTER ROLE {DB_ROLE} SET {k} = '{v}';" for k, v in ROLE_SETTINGS]
        sql.append(f"SELECT 'CREATE DATABASE {DB_NAME} OWNER {DB_ROLE} ENCODING ''UTF8'''"
                   f" WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{DB_NAME}')"
                   "\\gexec")
        self.psql("\n".join(sql), user="postgres", dbname="postgres")

    def stop_postgres(self):
        """Fast shutdown of the cluster this object started (no-op otherwise)."""
        if not self._pg_started:
            return
        if self._running_postmaster():
            proc = self._run([PG_BIN / "pg_ctl", "-D", self.pg_data, "-m", "fast", "-w",
                              "-t", "60", "stop"], check=False, timeout=90)
            if proc.returncode != 0 and self._running_postmaster():
                self._run([PG_BIN / "pg_ctl", "-D", self.pg_data, "-m", "immediate", "-w",
                           "-t", "30", "stop"], check=False, timeout=60)
                if self._running_postmaster():
                    raise StackError(f"PostgreSQL on {self.pg_data} did not stop:\n"
                                     f"{proc.stdout}{proc.stderr}")
        self._pg_started = False

    def restart_postgres(self):
        """Stop and start the cluster on the same port and socket (conninfo stays valid)."""
        self.stop_postgres()
        return self.start_postgres()

    def psql(self, sql, dbname=DB_NAME, user=DB_ROLE, timeout=60, **variables):
        """Run SQL (one or more statements) with psql; rows of every result as lists of str.

        NULL comes back as ''. ``variables`` become psql variables: ``:'name'`` in the SQL is the
        quoted literal, ``:"name"`` the quoted identifier.
        """
        if not self.sockdir or not self.pg_port:
            raise StackError("PostgreSQL is not started")
        argv = [PG_BIN / "psql", "-X", "-q", "-A", "-t", "--csv", "-v", "ON_ERROR_STOP=1",
                "-h", self.sockdir, "-p", self.pg_port,
                "-U", user, "-d", dbname]
        for name, value in variables.items():
            argv += ["-v", f"{name}={value}"]
        argv += ["-f", "-"]
        proc = self._run(argv, input=sql, check=False, timeout=timeout)
        if proc.returncode != 0:
            raise StackError(f"psql failed (exit {proc.returncode}): {proc.stderr.strip()}")
        # CSV output quotes embedded newlines and commas; results follow each other, a result
        # without rows prints nothing, and an empty line is a one-column row holding NULL or ''.
        return [row or [""] for row in csv.reader(io.StringIO(proc.stdout, newline=""))]

    # -- carechainctl -----------------------------------------------------------------------------

    def _ctl(self, args, timeout=300):
        if not os.access(self.ctl, os.X_OK):
            raise StackError(f"{self.ctl} not found: build it first (make)")
        if not self.conninfo:
            raise StackError("PostgreSQL is not started")
        return self._run([self.ctl] + list(args), service=False, timeout=timeout,
                         env=clean_env({"CARECHAIN_DB": self.conninfo}))

    def migrate(self):
        """build/carechainctl migrate against this cluster; returns its stdout."""
        proc = self._ctl(["migrate"])
        self.migrated = True
        return proc.stdout

    def seed_masters(self):
        """build/carechainctl seed-masters (idempotent); returns its stdout."""
        return self._ctl(["seed-masters"]).stdout

    def create_superuser(self, email, password):
        """build/carechainctl createsuperuser (password handed over in a 0600 file)."""
        fd, pwfile = tempfile.mkstemp(prefix=".pw-", dir=str(self.base_dir))
        try:
            with os.fdopen(fd, "w") as f:
                f.write(password)
            return self._ctl(["createsuperuser", "--email", email, "--password-file", pwfile,
                              "--bcrypt-cost", str(self.bcrypt_cost)]).stdout
        finally:
            os.unlink(pwfile)

    def sample_data(self, *args, timeout=300):
        """build/carechainctl sample-data --credentials - (bcrypt at this stack's cost): the
        credentials object it prints, {} when the sample data was already there."""
        proc = self._ctl(["sample-data", "--credentials", "-", "--bcrypt-cost",
                          str(self.bcrypt_cost)] + [str(a) for a in args], timeout=timeout)
        try:
            data = json.loads(proc.stdout)
        except ValueError as e:
            raise StackError(f"carechainctl sample-data printed no JSON object: {e}") from e
        if not isinstance(data, dict):
            raise StackError("carechainctl sample-data printed no JSON object")
        return data

    # -- httpd ------------------------------------------------------------------------------------

    def _running_httpd(self):
        pid = read_pid(self.pid_file)
        return pid if pid_alive(pid, "apache2") else None

    def httpd_running(self):
        return self._running_httpd() is not None

    def httpd_rss_kb(self):
        """{pid: resident kB} of the httpd parent and its children; None when not running."""
        parent = read_pid(self.pid_file)
        if not parent:
            return None
        out = {}
        for pid in [parent] + child_pids(parent):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out[pid] = int(line.split()[1])
            except OSError:
                pass
        return out

    def _write_jwt_key(self):
        if self.jwt_key.exists():
            return
        fd = os.open(self.jwt_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(48))
        os.chmod(self.jwt_key, 0o600)

    def _copy_module(self):
        """Copy build/mod_carechain.so under base_dir by write-then-rename: a later rebuild
        never rewrites a file a running httpd has mapped."""
        fd, tmp = tempfile.mkstemp(prefix=".mod_carechain.", suffix=".so",
                                   dir=str(self.httpd_dir))
        try:
            with os.fdopen(fd, "wb") as out, open(self.module_so, "rb") as src:
                shutil.copyfileobj(src, out)
            os.chmod(tmp, 0o755)
            os.replace(tmp, self.module_copy)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def _choose_document_root(self):
        """The repository's htdocs/ when the servers' user can read all of it; otherwise (root,
        a checkout that user cannot reach) a fresh copy in base_dir/htdocs."""
        return self._choose_served_dir(self.repo / "htdocs", self.htdocs_copy)

    def _choose_apidocs_dir(self):
        """The repository's apidocs/ (the /api/docs/ page), or a copy: as for htdocs/."""
        return self._choose_served_dir(self.repo / "apidocs", self.apidocs_copy)

    def _choose_served_dir(self, src, copy):
        if not src.is_dir():
            copy.mkdir(exist_ok=True)  # not written yet: serve an empty dir
            return copy
        if not self.as_root:
            return src
        # find prints the first entry the service user cannot read (or search), and fails when
        # it cannot reach src at all.
        probe = self._run(["/usr/bin/find", src, "(", "!", "-readable", "-o", "-type", "d",
                           "!", "-executable", ")", "-print", "-quit"], check=False, cwd="/")
        if probe.returncode == 0 and not probe.stdout.strip():
            return src
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(src, copy)
        self._chown_tree(copy)
        return copy

    def render_conf(self):
        """httpd.conf text from the template (placeholders @NAME@) plus extra_conf."""
        docroot = self.document_root or self._choose_document_root()
        apidocs = self.apidocs_dir or self._choose_apidocs_dir()
        values = {
            "SERVER_ROOT": self.base_dir,
            "PORT": self.http_port,
            "PID_FILE": self.pid_file,
            "RUNTIME_DIR": self.runtime_dir,
            "LOG_DIR": self.httpd_dir,
            "MPM": self.mpm,
            "MODULES_DIR": APACHE_MODULES,
            "CARECHAIN_SO": self.module_copy,
            "DOCUMENT_ROOT": docroot,
            "APIDOCS_DIR": apidocs,
            "DBD_PARAMS": f"{self.conninfo} connect_timeout=5",
            "JWT_KEY_FILE": self.jwt_key,
            "BCRYPT_COST": self.bcrypt_cost,
            "PUBLIC_BASE_URL": self.base_url,
            "MAIL_DIR": self.mail_dir,
            "MAIL_TRANSPORT": self.mail_transport or f"file:{self.mail_dir}",
            "MAIL_CONF": self.mail_conf,
            "UPLOAD_DIR": self.upload_dir,
            "TASK_INTERVALS": "" if self.background else "\n".join(
                f"CarechainTaskInterval {t} off"
                for t in ("mail", "expire_jobs", "documents", "retention", "digest")),
        }

        def sub(m):
            if m.group(1) not in values:
                raise StackError(f"{self.template}: unknown placeholder @{m.group(1)}@")
            return str(values[m.group(1)])

        lines = self.template.read_text().splitlines(keepends=True)
        text = "".join(line if line.lstrip().startswith("#")
                       else re.sub(r"@([A-Z][A-Z_]*)@", sub, line) for line in lines)
        if self.extra_conf:
            text += "\n# --- extra_conf (tests/stack.py) ---\n" + self.extra_conf.rstrip() + "\n"
        return text

    def start_httpd(self):
        """Write the config, start httpd and wait until /api/health/ answers."""
        if not self.conninfo:
            raise StackError("start_postgres() before start_httpd()")
        if not self.module_so.exists():
            raise StackError(f"{self.module_so} not found: build it first (make)")
        if not self.template.exists():
            raise StackError(f"{self.template} not found")
        self._prepare_base_dir()
        running = self._running_httpd()
        if running:
            raise StackError(f"an httpd (pid {running}) is already running from {self.pid_file}")
        for d in (self.httpd_dir, self.runtime_dir, self.mail_dir, self.upload_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.upload_dir.chmod(0o700)
        self._write_jwt_key()
        self._copy_module()
        self.document_root = self._choose_document_root()
        self.apidocs_dir = self._choose_apidocs_dir()
        if self.http_port is None:
            self.http_port = free_port()
        elif port_in_use(self.http_port):
            raise StackError(f"port 127.0.0.1:{self.http_port} is already in use")
        write_atomic(self.httpd_conf, self.render_conf())
        self._chown_tree(self.base_dir)
        if self.as_root:
            for path, test in ((self.module_copy, "-r"), (self.document_root, "-x"),
                               (self.apidocs_dir, "-x")):
                if path.exists() and not self._service_test(test, path):
                    raise StackError(f"{path} is not readable by user {SERVICE_USER}")
        if self._log_offset is None:
            try:
                self._log_offset = self.error_log.stat().st_size
            except FileNotFoundError:
                self._log_offset = 0

        self._httpd_started = True
        proc = self._run([APACHE2, "-f", self.httpd_conf, "-k", "start"], check=False, timeout=60)
        if proc.returncode != 0:
            raise StackError(f"httpd did not start (exit {proc.returncode}):\n"
                             f"{proc.stdout}{proc.stderr}\n"
                             f"--- {self.error_log} ---\n{tail(self.error_log)}")
        self._wait_httpd()
        return self

    def _wait_httpd(self):
        url = f"{self.base_url}/api/health/"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + HTTPD_START_TIMEOUT
        last = None
        while True:
            try:
                with opener.open(url, timeout=3) as resp:
                    resp.read()
                return
            except urllib.error.HTTPError as e:  # any HTTP answer means httpd is serving
                e.read()
                return
            except (urllib.error.URLError, OSError) as e:
                last = e
            pid = read_pid(self.pid_file)
            gone = pid is not None and not pid_alive(pid)
            if gone or time.monotonic() > deadline:
                log = tail(self.error_log)
                print(f"--- {self.error_log} (tail) ---\n{log}", file=sys.stderr)
                raise StackError(f"httpd does not answer {url} ({last})"
                                 f"{' and has exited' if gone else ''}\n"
                                 f"--- {self.error_log} ---\n{log}")
            time.sleep(0.2)

    def stop_httpd(self):
        """apache2 -k stop, wait for the pid-file process to exit, SIGKILL as a last resort."""
        if not self._httpd_started:
            return
        pid = self._running_httpd()
        if pid:
            self._run([APACHE2, "-f", self.httpd_conf, "-k", "stop"], check=False, timeout=60)
            deadline = time.monotonic() + HTTPD_STOP_TIMEOUT
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if pid_alive(pid):
                kids = child_pids(pid)
                print(f"stack.py: httpd pid {pid} ignored -k stop; sending SIGKILL",
                      file=sys.stderr)
                for p in [pid] + kids:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                deadline = time.monotonic() + 5
                while pid_alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.1)
        self._httpd_started = False

    def error_log_problems(self, allow=None):
        """Error-log lines (since this object first started httpd) at warn or worse that match
        none of the allow regexes. AH00632 (mod_dbd could not prepare a statement) and
        AH00051/AH00052/AH00060 (a process died on a signal, logged as notice) are always
        problems; so is any line not in httpd's format (stray stderr output: glibc aborts,
        sanitizer reports, libpq notices)."""
        try:
            with open(self.error_log, "rb") as f:
                f.seek(self._log_offset or 0)
                text = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return []
        allow = [re.compile(a) if isinstance(a, str) else a for a in (allow or [])]
        problems = []
        for line in text.splitlines():
            if not line.strip():
                continue
            if any(p.search(line) for p in ALWAYS_PROBLEMS):
                problems.append(line)
                continue
            m = LOG_LINE_RE.match(line)
            if m and m.group(2) not in PROBLEM_LEVELS:
                continue
            if any(a.search(line) for a in allow):
                continue
            problems.append(line)
        return problems

    # -- both -------------------------------------------------------------------------------------

    def stop(self):
        """Stop httpd, then PostgreSQL. Safe to call twice and after a partial start."""
        errors = []
        for step in (self.stop_httpd, self.stop_postgres):
            try:
                step()
            except Exception as e:  # keep going: the other server must stop too
                errors.append(e)
        if self._tmp_sockdir and not self._pg_started:
            shutil.rmtree(self._tmp_sockdir, ignore_errors=True)
            self._tmp_sockdir = None
            self.sockdir = None
            self.pg_port = None
        if errors:
            raise errors[0]

    def stop_leftovers(self):
        """Stop servers a crashed run left behind in base_dir (from their pid files)."""
        self._ensure_user()
        if self._running_httpd() and self.httpd_conf.exists():
            self._httpd_started = True
            self.stop_httpd()
        if self._running_postmaster():
            self._pg_started = True
            self.stop_postgres()


# ------------------------------------------------------------------------------------------------
# command line


def load_credentials(path):
    try:
        data = json.loads(Path(path).read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_credentials(path, data):
    write_atomic(path, json.dumps(data, indent=2) + "\n", mode=0o600)


def load_sample_data(stack, creds):
    """Sample accounts, profiles and hospitals (carechainctl sample-data) with their passwords
    merged into creds and saved; a warning instead of a failure when that does not work."""
    try:
        data = stack.sample_data()
    except StackError as e:
        print(f"stack.py: could not load the sample data:\n{e}", file=sys.stderr)
        return
    if not data:
        print(f"stack.py: the sample data is already in the database, but its passwords are not"
              f" in {stack.shown(stack.credentials_file)}\nstack.py: (delete"
              f" {stack.shown(stack.pg_dir)} to start from an empty database)", file=sys.stderr)
        return
    creds.update(data)
    save_credentials(stack.credentials_file, creds)


def cmd_run(args):
    missing = [p for p in (REPO_ROOT / "build" / "carechainctl",
                           REPO_ROOT / "build" / "mod_carechain.so") if not p.exists()]
    if missing:
        print("stack.py: missing " + ", ".join(str(p) for p in missing)
              + "\nstack.py: build first with `make`.", file=sys.stderr)
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt

    # SIGINT explicitly too: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)  # explicit: a shell may start us with SIGINT ignored
    mail_conf = "".join(f"{d} {v}\n" for d, v in (("CarechainMailAuthFile", args.mail_auth_file),
                                                    ("CarechainMailCAFile", args.mail_ca_file))
                        if v)
    stack = Stack(args.dir, http_port=args.port, mpm=args.mpm, bcrypt_cost=args.bcrypt_cost,
                  background=True, mail_transport=args.mail or None, mail_conf=mail_conf)
    rc = 0
    try:
        stack.start_postgres()
        print(f"PostgreSQL: {stack.conninfo}  (data {stack.shown(stack.pg_data)},"
              f" log {stack.shown(stack.pg_log)})")
        out = stack.migrate()
        if out.strip():
            print(out.rstrip())
        creds = load_credentials(stack.credentials_file)
        first_start = stack.pg_created or "candidates" not in creds
        # Master data on first start only: a curated entry an admin deleted later stays deleted.
        if first_start:
            out = stack.seed_masters()
            if out.strip():
                print(out.rstrip())
        if "admin" not in creds or stack.pg_created:
            password = secrets.token_urlsafe(16)
            try:
                stack.create_superuser(DEV_ADMIN_EMAIL, password)
                creds["admin"] = {"email": DEV_ADMIN_EMAIL, "password": password}
                save_credentials(stack.credentials_file, creds)
            except StackError as e:
                print(f"stack.py: could not create the development admin:\n{e}\n"
                      f"stack.py: (delete {stack.shown(stack.pg_dir)} to start from an empty"
                      " database)", file=sys.stderr)
        # Sample accounts on first start: after the master data (their skills and
        # qualifications are linked by name) and after the admin (recorded as the one who
        # decided the sample verifications).
        if first_start:
            load_sample_data(stack, creds)
        stack.start_httpd()
        print(f"\nmod_carechain is running at {stack.base_url}/  (MPM {stack.mpm})")
        print(f"  error log:   {stack.shown(stack.error_log)}")
        print(f"  mail:        {stack.shown(stack.mail_dir)}")
        print(f"  credentials: {stack.shown(stack.credentials_file)}")
        admin = creds.get("admin")
        if admin:
            print(f"  admin:       {admin.get('email')} / {admin.get('password')}")
        if "candidates" in creds:
            print(f"  sample data: {len(creds['candidates'])} candidates and"
                  f" {len(creds.get('recruiters', []))} recruiters, passwords in"
                  f" {stack.shown(stack.credentials_file)}")
        print("Press Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(1)
            if not stack.httpd_running():
                print(f"stack.py: httpd exited unexpectedly; see {stack.shown(stack.error_log)}:\n"
                      f"{tail(stack.error_log, 20)}", file=sys.stderr)
                rc = 1
                break
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    except StackError as e:
        print(f"stack.py: {e}", file=sys.stderr)
        rc = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            stack.stop()
        except StackError as e:
            print(f"stack.py: {e}", file=sys.stderr)
            rc = rc or 1
    if rc == 0:
        print("stopped.")
    return rc


def cmd_selftest(args):
    base = tempfile.mkdtemp(prefix="cc-selftest-")
    ok = False
    try:
        with Stack(base, verbose=args.verbose) as stack:
            stack.start_postgres()
            assert stack.psql("SELECT 1") == [["1"]], "SELECT 1"
            settings = stack.psql("SHOW plan_cache_mode; SHOW TimeZone; SHOW statement_timeout;"
                                  " SHOW server_encoding; SHOW listen_addresses")
            assert settings == [["force_generic_plan"], ["UTC"], ["15s"], ["UTF8"], [""]], settings
            owner = stack.psql("SELECT pg_get_userbyid(datdba) FROM pg_database"
                               " WHERE datname = current_database()")
            assert owner == [["carechain"]], owner
            stack.restart_postgres()
            assert stack.psql("SELECT :'v'::text, 2", v="it's") == [["it's", "2"]]
            print(f"selftest: PostgreSQL ok ({stack.conninfo})")
        ok = True
    except (StackError, AssertionError) as e:
        print(f"selftest FAILED: {e}", file=sys.stderr)
    finally:
        if ok:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"selftest: files kept in {base}", file=sys.stderr)
    return 0 if ok else 1


def cmd_stop(args):
    Stack(args.dir).stop_leftovers()
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="start PostgreSQL + httpd for development (make run)")
    run.add_argument("--dir", default="var", help="stack directory (default: var)")
    run.add_argument("--port", type=int, default=8080, help="httpd port (default: 8080)")
    run.add_argument("--mpm", choices=("event", "prefork"), default="event")
    run.add_argument("--bcrypt-cost", type=int, default=10)
    run.add_argument("--mail", default="", help="CarechainMailTransport (default: file: mail/)")
    run.add_argument("--mail-auth-file", default="", help="CarechainMailAuthFile")
    run.add_argument("--mail-ca-file", default="", help="CarechainMailCAFile")
    st = sub.add_parser("selftest", help="start and stop PostgreSQL in a temporary directory")
    st.add_argument("-v", "--verbose", action="store_true")
    stop = sub.add_parser("stop", help="stop servers left running in a stack directory")
    stop.add_argument("--dir", default="var")
    args = ap.parse_args(argv)
    return {"run": cmd_run, "selftest": cmd_selftest, "stop": cmd_stop}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
