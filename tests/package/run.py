#!/usr/bin/python3
"""make package-test: the packages, proven by installing them the way hospital IT does.

Debian: a Debian 12 root made by mmdebstrap (--variant=apt, apache2 and postgresql, plus the
package's own dependencies so that installing needs no network), written once as a directory
under build/package-test/ (rebuilt when missing or when the dependencies change) and used as the
read-only layer of an overlay, so every run starts from a clean root in a fraction of a second;
a policy-rc.d forbids starting services. Everything in it runs in a private mount and network
namespace (unshare), so httpd listens on port 80 and PostgreSQL on 5432 of its own loopback
without meeting anything on this machine (the root's "free port"), and nothing is left mounted
afterwards. The install,
site, database and upgrade steps are the shell blocks of README.md marked
`<!-- package-test: NAME -->`, run verbatim.

The source is built once: dpkg-buildpackage makes the current package (its unit tests run in
dh_auto_test). The older package of the upgrade is that .deb repacked (dpkg-deb -R, only the
Version of DEBIAN/control lowered to <VERSION>~pkgtest1, dpkg-deb -b): the same files,
conffiles and maintainer scripts, so the upgrade is a real one (dpkg unpacks the current
version over an installed older one, keeps the edited conffile, runs the maintainer scripts),
and since both modules say VERSION, the upgrade is proven by the httpd processes mapping the
mod_carechain.so the upgrade unpacked. A cold run builds the root (mmdebstrap, mostly dpkg
work) in the background while the package, lintian and the RPM are built and checked; the
phase times are printed at the end.

  1. README deb-install with an older build of the package: a2query, apache2ctl -M, the site
     (deb-site): the frontend and a 503 JSON "database not configured" from /api/health/.
  2. README deb-database: PostgreSQL role and database, migrate, seed-masters,
     createsuperuser, check; /api/health/ ok; the admin logs in; data is created.
  3. An edited conffile, then README deb-upgrade with the current package: data intact, the old
     token still valid, the edit kept, httpd running the module file the upgrade unpacked.
  4. a2dismod carechain survives a reinstall; purge removes what the package made, the
     database stays; a fresh install after the purge works again.
RPM: rpm -qlp, --requires, --scripts, rpmlint (no errors), and the README's RHEL block names only
files the RPM has.

Needs root (mmdebstrap, chroot, namespaces): without it this FAILS, saying so.
"""

import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "build" / "package-test"
PACKAGES = REPO / "build" / "packages"
INCLUDE = "apache2,postgresql"
# The package's runtime dependencies (dpkg-shlibdeps and debian/control), known before it is
# built so that a cold run can make the root while the package builds; checked against the
# built .deb's Depends (a root with the missing ones is made when they differ).
ROOT_LIBS = ("apache2-bin", "libapr1", "libaprutil1", "libaprutil1-dbd-pgsql", "libc6",
             "libcurl4", "libjansson4", "libjwt0", "libmagic1", "libpq5", "libssl3")
SUITE = "bookworm"
MIRROR = os.environ.get("CC_DEBIAN_MIRROR", "http://deb.debian.org/debian")
ADMIN_EMAIL = "it-admin@example-hospital.in"
ADMIN_PASSWORD = "Vellore-Ward-7-Sunrise"

T0 = time.monotonic()
checks = 0
phases = []  # (name, seconds), printed at the end


def phase(name, t):
    phases.append((name, time.monotonic() - t))


def log(msg):
    print(f"package-test [{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def fail(msg):
    print(f"package-test: FAIL: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def check(cond, what, detail=""):
    global checks
    checks += 1
    if not cond:
        fail(f"{what}{': ' + detail if detail else ''}")
    log(f"ok: {what}")


def j(value, key):
    """value[key] of a JSON object answer; None when the answer was not one."""
    return value.get(key) if isinstance(value, dict) else None


def run(argv, check_rc=True, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if check_rc and p.returncode != 0:
        fail(f"{' '.join(map(str, argv))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


# ---- README blocks -------------------------------------------------------------------------


def readme_blocks():
    """{name: shell text} of the README blocks marked <!-- package-test: NAME -->."""
    text = (REPO / "README.md").read_text()
    blocks = {}
    pat = re.compile(r"^([ \t]*)<!-- package-test: ([\w-]+) -->\n\1```sh\n(.*?)^\1```$",
                     re.M | re.S)
    for m in pat.finditer(text):
        indent = m.group(1)
        lines = [l[len(indent):] if l.startswith(indent) else l
                 for l in m.group(3).splitlines()]
        blocks[m.group(2)] = "\n".join(lines) + "\n"
    for name in ("deb-install", "deb-site", "deb-database", "deb-upgrade", "rpm-install"):
        if name not in blocks:
            fail(f"README.md has no block marked <!-- package-test: {name} -->")
    return blocks


# ---- packages ------------------------------------------------------------------------------


def source_fingerprint():
    files = run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                cwd=REPO).stdout.split("\n")
    h = hashlib.sha256()
    # The package test itself is not in the package: editing it rebuilds nothing.
    for f in sorted(f for f in files
                    if f and not f.startswith(("build/", "tests/package/"))):
        p = REPO / f
        if p.is_file():
            h.update(f.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def deb_for(version, fingerprint):
    """The .deb of `version`, built by packaging/build-deb.sh (dpkg-buildpackage, with the unit
    tests) unless one from the same source is already in build/packages/. No -dbgsym package:
    nothing here uses it."""
    stamp = PACKAGES / f".source-{version}"
    debs = sorted(PACKAGES.glob(f"libapache2-mod-carechain_{version}_*.deb"))
    if debs and stamp.exists() and stamp.read_text() == fingerprint:
        log(f"using {debs[-1].name} (built from this source)")
        return debs[-1]
    log(f"building the package at version {version}")
    env = dict(os.environ)
    env["DEB_BUILD_OPTIONS"] = (env.get("DEB_BUILD_OPTIONS", "") + " noautodbgsym").strip()
    p = subprocess.run(["sh", str(REPO / "packaging" / "build-deb.sh"), version],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        fail(f"build-deb.sh {version} failed:\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}")
    debs = sorted(PACKAGES.glob(f"libapache2-mod-carechain_{version}_*.deb"))
    stamp.write_text(fingerprint)
    return debs[-1]


def older_deb(deb, old_version):
    """The older package of the upgrade: `deb` repacked with only DEBIAN/control's Version
    lowered (the same files, conffiles and maintainer scripts; its module says VERSION too)."""
    work = REPO / "build" / "deb" / "repack"
    shutil.rmtree(work, ignore_errors=True)
    tree = work / "tree"
    work.mkdir(parents=True)
    run(["dpkg-deb", "-R", str(deb), str(tree)])
    control = tree / "DEBIAN" / "control"
    text, n = re.subn(r"^Version: .*$", f"Version: {old_version}", control.read_text(),
                      count=1, flags=re.M)
    if n != 1:
        fail(f"no Version field in {deb.name}'s control")
    control.write_text(text)
    out = PACKAGES / deb.name.replace(f"_{deb.name.split('_')[1]}_", f"_{old_version}_")
    run(["dpkg-deb", "--root-owner-group", "-b", str(tree), str(out)])
    shutil.rmtree(work, ignore_errors=True)
    got = run(["dpkg-deb", "-f", str(out), "Version"]).stdout.strip()
    if got != old_version:
        fail(f"{out.name} has version {got}, not {old_version}")
    return out


# ---- the Debian root -----------------------------------------------------------------------


def runtime_depends(deb):
    """The package's own dependencies (names only): the root has them before the test, so the
    installation needs no network (the root's network namespace has none)."""
    field = run(["dpkg-deb", "-f", str(deb), "Depends"]).stdout
    names = {re.split(r"[ (]", alt.strip())[0] for dep in field.split(",")
             for alt in dep.split("|")[:1]}
    return sorted(n for n in names if n and not n.startswith("apache2-api-"))


def mounts_under(path):
    prefix = str(path).rstrip("/") + "/"
    with open("/proc/mounts") as f:
        return [l.split()[1] for l in f if (l.split()[1] + "/").startswith(prefix)]


class RootBuild:
    """The cached root for `packages`: build/package-test/<suite>-<key>.base, written by
    mmdebstrap as a directory (no tarball to pack and unpack). start() runs mmdebstrap in the
    background when it is missing (in a private mount namespace, so an interrupted run leaves
    nothing mounted; dpkg through mmdebstrap's eatmydata hook: the root is a cache, it need
    not survive a crash); wait() returns the directory."""

    def __init__(self, packages):
        WORK.mkdir(parents=True, exist_ok=True)
        self.packages = list(packages)
        self.include = ",".join(self.packages)
        key = hashlib.sha256(f"{SUITE} {self.include} {MIRROR}".encode()).hexdigest()[:12]
        self.base = WORK / f"{SUITE}-{key}.base"
        self.proc = None
        self.t = time.monotonic()

    def start(self):
        if self.base.is_dir():
            log(f"cached root {self.base.name}")
            return self
        tmp = self.base.with_suffix(".base.tmp")
        if tmp.exists():  # from an interrupted run
            if mounts_under(tmp):
                fail(f"{tmp} has mounts under it: {mounts_under(tmp)}")
            shutil.rmtree(tmp)
        log(f"mmdebstrap --variant=apt --include={self.include} {SUITE} (not cached yet; in "
            f"the background, log in {WORK / 'mmdebstrap.log'})")
        self.log = open(WORK / "mmdebstrap.log", "w")
        atexit.register(self.stop)
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "mmdebstrap", "--variant=apt",
             "--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata", f"--include={self.include}",
             SUITE, str(tmp), MIRROR], stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def stop(self):
        """When the test fails first: mmdebstrap is not left running."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def wait(self):
        if self.proc is not None:
            t = time.monotonic()
            rc = self.proc.wait()
            self.log.close()
            waited = time.monotonic() - t
            if rc != 0:
                fail(f"mmdebstrap exited {rc}:\n{(WORK / 'mmdebstrap.log').read_text()[-4000:]}")
            tmp = self.base.with_suffix(".base.tmp")
            if mounts_under(tmp):
                fail(f"mmdebstrap left mounts under {tmp}: {mounts_under(tmp)}")
            tmp.rename(self.base)
            phase(f"mmdebstrap (background; waited {waited:.1f}s for it)", self.t)
            log(f"root cached in {self.base}")
            self.proc = None
        # Older caches: roots of other dependency lists, tarballs of older versions of this test.
        for old in list(WORK.glob(f"{SUITE}-*.base")) + list(WORK.glob(f"{SUITE}-*.tar")):
            if old != self.base and not old.name.endswith(".tmp") and not mounts_under(old):
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink()
        return self.base


class Root:
    """A fresh root for every run: an overlay of the cached one (what a run writes goes into
    build/package-test/upper/, emptied each time), mounted by a holder process in its own mount
    and network namespaces; sh() runs a shell script in the root, inside them. The host sees
    the root through /proc/<holder>/root (self.view)."""

    def __init__(self, base):
        self.dir = WORK / "root"
        upper, ovwork = WORK / "upper", WORK / "ovwork"
        for d in (upper, ovwork):
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir()
        self.dir.mkdir(exist_ok=True)
        pidfile = WORK / "holder.pid"
        pidfile.unlink(missing_ok=True)
        self.holder = subprocess.Popen(
            ["unshare", "--mount", "--net", "sh", "-c",
             f"echo $$ > {pidfile}; exec sleep infinity"])
        for _ in range(100):
            if pidfile.exists() and pidfile.read_text().strip():
                break
            time.sleep(0.05)
        self.pid = pidfile.read_text().strip()
        r = str(self.dir)
        self.host(f"ip link set lo up && "
                  f"mount -t overlay overlay -o lowerdir={base},upperdir={upper},"
                  f"workdir={ovwork} {r} && "
                  f"mount -t proc proc {r}/proc && "
                  f"mount --rbind /dev {r}/dev && mount -t tmpfs tmpfs {r}/run && "
                  f"mount -t tmpfs tmpfs {r}/tmp")
        self.view = Path(f"/proc/{self.pid}/root") / r.lstrip("/")
        policy = self.view / "usr/sbin/policy-rc.d"
        policy.write_text("#!/bin/sh\n# package-test: no service starts during installation\n"
                          "exit 101\n")
        policy.chmod(0o755)
        (self.view / "etc/resolv.conf").write_text("")
        # What systemd-tmpfiles makes on a booted system.
        self.sh("install -d -m 1777 /run/lock && "
                "install -d -o postgres -g postgres -m 2775 /run/postgresql")

    def host(self, script, **kw):
        """A host command in the namespaces (host filesystem, private network)."""
        return run(["nsenter", "-t", self.pid, "-m", "-n", "sh", "-ec", script], **kw)

    def sh(self, script, input=None, check_rc=True, cwd="/root"):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root",
               "DEBIAN_FRONTEND": "noninteractive"}
        p = subprocess.run(["nsenter", "-t", self.pid, "-m", "-n", "chroot", str(self.dir),
                            "sh", "-ec", f"cd {cwd}\n{script}"],
                           capture_output=True, text=True, input=input, env=env)
        if check_rc and p.returncode != 0:
            fail(f"in the root, exit {p.returncode}:\n{script}\n--- stdout ---\n{p.stdout}"
                 f"\n--- stderr ---\n{p.stderr}\n--- apache2 error.log ---\n"
                 f"{self.file('/var/log/apache2/error.log')[-3000:]}")
        return p

    def file(self, path):
        try:
            return (self.view / path.lstrip("/")).read_text(errors="replace")
        except (FileNotFoundError, IsADirectoryError):
            return ""

    def exists(self, path):
        return os.path.lexists(self.view / path.lstrip("/"))

    def http(self, method, path, body=None, token=None):
        """(status, parsed JSON or text, headers text) from curl inside the network namespace."""
        argv = ["nsenter", "-t", self.pid, "-n", "curl", "-sS", "-m", "20", "-X", method,
                "-D", "-", "-o", "-", "--noproxy", "*"]
        if body is not None:
            argv += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
        if token:
            argv += ["-H", f"Authorization: Bearer {token}"]
        p = run(argv + [f"http://127.0.0.1{path}"])
        head, _, text = p.stdout.partition("\n\n")  # text mode: \r\n read as \n
        status = int(head.split()[1])
        try:
            data = json.loads(text)
        except ValueError:
            data = text
        return status, data, head

    def processes(self):
        """Pids of the processes whose root is this root (httpd, PostgreSQL, ...)."""
        pids = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    if os.readlink(d / "root") == str(self.dir):
                        pids.append(int(d.name))
                except OSError:
                    pass
        return pids

    def close(self):
        # httpd and PostgreSQL of the root (only those: found by their root directory), then
        # the holder: its namespaces, and with them every mount, go.
        self.sh("apache2ctl stop >/dev/null 2>&1 || true; "
                "pg_ctlcluster 15 main stop -m fast >/dev/null 2>&1 || true", check_rc=False)
        for _ in range(100):
            if not self.processes():
                break
            time.sleep(0.1)
        for pid in self.processes():
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        self.holder.kill()
        self.holder.wait()
        shutil.rmtree(WORK / "upper", ignore_errors=True)
        shutil.rmtree(WORK / "ovwork", ignore_errors=True)


# ---- the Debian proof ----------------------------------------------------------------------


def wait_health(root, want_status, tries=50):
    for _ in range(tries):
        try:
            st, data, head = root.http("GET", "/api/health/")
            if st == want_status:
                return st, data, head
        except SystemExit:
            pass
        time.sleep(0.2)
    return root.http("GET", "/api/health/")


def module_maps(root):
    """{(inode, deleted)} of the mod_carechain.so mappings of the root's httpd processes."""
    seen = set()
    for pid in root.processes():
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() != "apache2":
                continue
            maps = Path(f"/proc/{pid}/maps").read_text()
        except OSError:
            continue
        for line in maps.splitlines():
            if "mod_carechain.so" in line:
                f = line.split()
                seen.add((f[4], line.endswith("(deleted)")))
    return seen


def deb_test(blocks, base, old_deb, new_deb, old_version, new_version):
    root = Root(base)
    try:
        log(f"fresh root ready ({root.dir}, an overlay)")
        inst = "/root/pkgs"
        for name, deb in (("old", old_deb), ("new", new_deb)):
            d = root.view / inst.lstrip("/") / name
            d.mkdir(parents=True)
            shutil.copy2(deb, d / deb.name)

        # 1. install (the older build), assert the module is enabled, serve the site
        p = root.sh(blocks["deb-install"], cwd=f"{inst}/old")
        check("enabled by dh_apache2" in p.stdout or "carechain (enabled" in p.stdout,
              "a2query -m carechain and dbd: enabled", p.stdout)
        mods = root.sh("apache2ctl -M 2>&1").stdout
        check("carechain_module (shared)" in mods and "dbd_module (shared)" in mods,
              "apache2ctl -M lists carechain_module and dbd_module")
        key = root.view / "etc/carechain/jwt.key"
        st = key.stat()
        check(len(key.read_bytes()) == 48 and oct(st.st_mode & 0o777) == "0o640",
              "postinst made a 48-byte jwt.key, 0640")
        grp = root.sh("stat -c %U:%G:%a /etc/carechain /etc/carechain/jwt.key "
                      "/var/spool/carechain/mail").stdout.split()
        check(grp == ["root:www-data:750", "root:www-data:640", "www-data:www-data:750"],
              "/etc/carechain 0750 root:www-data, key root:www-data, mail spool www-data", grp)
        root.sh(blocks["deb-site"])
        st, data, head = wait_health(root, 503)
        check(st == 503 and "application/json" in head and j(data, "database") == "not configured"
              and j(data, "code") == "not_configured" and j(data, "version") == new_version,
              "no database yet: /api/health/ answers 503 JSON, database not configured", data)
        st, data, _ = root.http("GET", "/api/jobs/")
        check(st == 503 and j(data, "code") == "not_configured", "other /api/ URLs: 503 JSON")
        st, page, _ = root.http("GET", "/")
        check(st == 200 and page == root.file("/usr/share/carechain/htdocs/index.html"),
              "the frontend is served from /usr/share/carechain/htdocs")
        st, page, _ = root.http("GET", "/api/docs/")
        check(st == 200 and page == root.file("/usr/share/carechain/apidocs/index.html"),
              "the API docs page is served from /usr/share/carechain/apidocs (carechain.conf)")
        st, page, _ = root.http("GET", "/jobs")
        check(st == 200 and page == root.file("/usr/share/carechain/htdocs/index.html"),
              "a frontend URL (/jobs) is a page of index.html (FallbackResource)")
        st, page, _ = root.http("GET", "/js/main.js")
        check(st == 200 and page == root.file("/usr/share/carechain/htdocs/js/main.js"),
              "the frontend's folders are shipped (js/main.js)")
        p = root.sh("carechainctl check", check_rc=False)
        check(p.returncode == 1 and "no database is configured" in p.stderr
              and "database.conf is missing" in p.stderr,
              "carechainctl check says what is missing", p.stderr)

        # 2. the database as the README says
        root.sh("pg_ctlcluster 15 main start")
        p = root.sh(blocks["deb-database"], input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n",
                    cwd="/")
        out = p.stdout + p.stderr
        check("created admin it-admin@example-hospital.in" in out
              and re.search(r"check: \d+ statements, 0 failed", out)
              and "schema at version" in out, "migrate, seed-masters, createsuperuser, check",
              out)
        st, data, _ = wait_health(root, 200)
        check(st == 200 and j(data, "status") == "ok" and j(data, "database") == "ok",
              "after the graceful restart /api/health/ is ok", data)
        st, login, _ = root.http("POST", "/api/accounts/admin-login/",
                                 {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        check(st == 200 and j(login, "role") == "admin" and j(login, "access"),
              "the admin logs in", login)
        token = j(login, "access")
        st, skills, _ = root.http("GET", "/api/masters/skills/?page_size=1")
        skills_before = j(skills, "count")
        check(st == 200 and skills_before > 100, f"seeded master data ({skills_before} skills)")
        st, reg, _ = root.http("POST", "/api/accounts/register/", {
            "email": "nurse.priya@example.in", "password": "Night-Shift-Koramangala",
            "first_name": "Priya", "last_name": "Raman", "role": "candidate"})
        check(st == 201, "a candidate registers (data to keep across the upgrade)", reg)

        # 3. upgrade, with an edited conffile
        conf = "/etc/apache2/mods-available/carechain.conf"
        edited = root.file(conf) + "\n# edited by the hospital's IT\nCarechainBcryptCost 11\n"
        (root.view / conf.lstrip("/")).write_text(edited)
        maps_before = module_maps(root)
        p = root.sh(blocks["deb-upgrade"], cwd=f"{inst}/new")
        upgrade_log = p.stdout + p.stderr
        check(f"Unpacking libapache2-mod-carechain ({new_version}) over ({old_version})"
              in upgrade_log, f"upgraded {old_version} -> {new_version}", upgrade_log)
        (WORK / "upgrade.log").write_text(upgrade_log)
        check(root.file(conf) == edited and not root.exists(conf + ".dpkg-dist"),
              "the edited carechain.conf is kept")
        st, data, _ = wait_health(root, 200)
        # Both modules say VERSION (the older package is a repack): what proves the upgrade is
        # that every httpd process maps the mod_carechain.so the upgrade unpacked (another
        # inode than before it, none deleted, i.e. none still on the older package's file).
        old_inodes = {i for i, _ in maps_before}
        for _ in range(50):  # the older generation's children end after the graceful restart
            maps_after = module_maps(root)
            if (maps_after and not any(d for _, d in maps_after)
                    and not old_inodes & {i for i, _ in maps_after}):
                break
            time.sleep(0.2)
        check(st == 200 and j(data, "version") == new_version and maps_before and maps_after
              and not any(d for _, d in maps_after)
              and not old_inodes & {i for i, _ in maps_after},
              f"/api/health/ ok, version {new_version}, from the module file the upgrade "
              f"unpacked", f"{data} maps before {maps_before}, after {maps_after}")
        st, me, _ = root.http("GET", "/api/accounts/profile/", token=token)
        check(st == 200 and j(me, "email") == ADMIN_EMAIL,
              "a token issued before the upgrade is still valid (the key was kept)", me)
        st, skills, _ = root.http("GET", "/api/masters/skills/?page_size=1")
        check(j(skills, "count") == skills_before, "master data intact")
        n = root.sh("runuser -u postgres -- psql -tA carechain -c "
                    "\"SELECT count(*) FROM users WHERE email = 'nurse.priya@example.in'\"")
        check(n.stdout.strip() == "1", "the registered candidate is intact")
        p = root.sh("carechainctl check")
        check("schema at version" in p.stdout, "carechainctl check passes after the upgrade")

        # 4. a2dismod survives a reinstall; purge; a fresh install after it
        root.sh("a2dismod -q carechain")
        root.sh(f"apt-get install -y --reinstall ./{new_deb.name}", cwd=f"{inst}/new")
        p = root.sh("a2query -m carechain", check_rc=False)
        check(p.returncode != 0 and "disabled" in (p.stdout + p.stderr),
              "a2dismod carechain survives a reinstall", p.stdout + p.stderr)
        root.sh("apache2ctl graceful")
        root.sh("apt-get purge -y libapache2-mod-carechain")
        gone = [f for f in ("/etc/carechain", "/var/spool/carechain",
                            "/etc/apache2/mods-available/carechain.conf",
                            "/etc/apache2/mods-available/carechain.load",
                            "/etc/apache2/mods-enabled/carechain.load",
                            "/usr/lib/apache2/modules/mod_carechain.so",
                            "/usr/sbin/carechainctl", "/usr/share/carechain")
                if root.exists(f)]
        check(not gone, "purge removes what the package made", gone)
        n = root.sh("runuser -u postgres -- psql -tA carechain -c 'SELECT count(*) FROM users'")
        check(int(n.stdout) == 2, "the database stays after purge")
        old_key = key.read_bytes() if key.exists() else None
        root.sh(blocks["deb-install"], cwd=f"{inst}/new")
        check(key.exists() and key.read_bytes() != old_key,
              "installed again after the purge: enabled, a new key")
        root.sh("apache2ctl graceful")
        st, data, _ = wait_health(root, 503)
        check(st == 503 and j(data, "database") == "not configured",
              "and /api/ says the database is not configured again (database.conf was purged)")
    finally:
        root.close()


# ---- RPM -----------------------------------------------------------------------------------


def rpm_test(blocks, version, fingerprint):
    stamp = PACKAGES / ".source-rpm"
    rpms = sorted(PACKAGES.glob(f"mod_carechain-{version}-*.x86_64.rpm"))
    if not (rpms and stamp.exists() and stamp.read_text() == fingerprint):
        log("building the RPM (packaging/build-rpm.sh)")
        for old in PACKAGES.glob("mod_carechain-*.rpm"):
            old.unlink()
        # %check (the unit tests) is skipped: the .deb build of this source just ran them.
        run(["sh", str(REPO / "packaging" / "build-rpm.sh")],
            env=dict(os.environ, RPM_NOCHECK="1"))
        stamp.write_text(fingerprint)
        rpms = sorted(PACKAGES.glob(f"mod_carechain-{version}-*.x86_64.rpm"))
    rpm = str(rpms[-1])
    files = run(["rpm", "-qlp", rpm]).stdout.split()
    want = ["/usr/lib64/httpd/modules/mod_carechain.so", "/usr/sbin/carechainctl",
            "/etc/httpd/conf.modules.d/10-carechain.conf", "/usr/share/carechain/htdocs/index.html",
            "/usr/share/man/man8/carechainctl.8.gz", "/usr/share/doc/mod_carechain/site-example.conf",
            "/usr/share/carechain/apidocs/index.html",
            "/usr/share/carechain/apidocs/swagger-ui-bundle.js"]
    check(all(w in files for w in want), "rpm -qlp lists the expected files",
          str([w for w in want if w not in files]))
    req = run(["rpm", "-qp", "--requires", rpm]).stdout
    check("httpd-mmn = " in req and "apr-util-pgsql" in req,
          "rpm --requires: httpd-mmn and apr-util-pgsql")
    scripts = run(["rpm", "-qp", "--scripts", rpm]).stdout
    check("jwt.key" in scripts and "apache" in scripts, "rpm --scripts: %post makes the key")
    conf = run(["rpm", "-qp", "--configfiles", rpm]).stdout.split()
    check("/etc/httpd/conf.modules.d/10-carechain.conf" in conf, "10-carechain.conf is %config")
    lint = run(["rpmlint", "-r", str(REPO / "packaging/rpm/mod_carechain.rpmlintrc"), rpm],
               check_rc=False)
    (WORK / "rpmlint.log").write_text(lint.stdout + lint.stderr)
    m = re.search(r"(\d+) errors?, (\d+) warnings?", lint.stdout)
    check(m and m.group(1) == "0", "rpmlint: no errors", lint.stdout[-2000:])
    # The README's RHEL block names only files the RPM ships (or that %post and it create).
    named = set(re.findall(r"(/(?:usr|etc/httpd)/[\w./-]+)", blocks["rpm-install"]))
    named -= {"/etc/httpd/conf.d/carechain-site.conf"}
    check(named <= set(files), "README's RHEL block names files the RPM has",
          str(named - set(files)))
    check(re.search(r"mod_carechain-\*\.el9\.x86_64\.rpm", blocks["rpm-install"]) is not None,
          "README's RHEL block installs the built RPM's name")


def main():
    if os.geteuid() != 0:
        fail("needs root (mmdebstrap, chroot, mount and network namespaces); run `make test` "
             "or `make package-test` as root. Nothing was tested.")
    for tool in ("mmdebstrap", "unshare", "nsenter", "curl", "lintian", "rpmbuild", "rpmlint"):
        if not shutil.which(tool):
            fail(f"{tool} is not installed (sh cli/install-deps.sh installs it)")
    blocks = readme_blocks()
    new_version = (REPO / "VERSION").read_text().strip()
    old_version = new_version + "~pkgtest1"
    fp = source_fingerprint()
    # A cold run: the root (mmdebstrap, mostly dpkg) builds while the packages do.
    rootbuild = RootBuild(INCLUDE.split(",") + list(ROOT_LIBS)).start()
    t = time.monotonic()
    new_deb = deb_for(new_version, fp)
    phase("the .deb (dpkg-buildpackage)", t)
    t = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    lint_log = open(WORK / "lintian.log", "w")
    lint = subprocess.Popen(["lintian", "-I", "--pedantic", "--fail-on", "error,warning",
                             str(new_deb)], stdout=lint_log, stderr=subprocess.STDOUT)
    old_deb = older_deb(new_deb, old_version)
    log(f"older package {old_deb.name}: {new_deb.name} repacked at version {old_version}")
    phase("the older package (repack)", t)
    t = time.monotonic()
    rpm_test(blocks, new_version, fp)
    phase("RPM build and checks", t)
    t = time.monotonic()
    lint.wait()
    lint_log.close()
    out = (WORK / "lintian.log").read_text()
    check(lint.returncode == 0, f"lintian {new_deb.name}: no errors, no warnings", out)
    check("hardening-no-" not in out, "lintian: no hardening-no-* tag (bindnow, "
          "fortify): the Makefile took the distribution's flags", out)
    phase("lintian (background; waited for it)", t)
    needed = runtime_depends(new_deb)
    extra = [n for n in needed if n not in ROOT_LIBS]
    base = rootbuild.wait()
    if extra:
        log(f"the package depends on {extra}, not in ROOT_LIBS (add them there): another root")
        t = time.monotonic()
        base = RootBuild(INCLUDE.split(",") + sorted(set(ROOT_LIBS) | set(needed))).start().wait()
        phase("mmdebstrap (again, with the missing dependencies)", t)
    t = time.monotonic()
    deb_test(blocks, base, old_deb, new_deb, old_version, new_version)
    phase("Debian root part (install, database, upgrade, purge)", t)
    log("phases: " + "; ".join(f"{name} {sec:.1f}s" for name, sec in phases))
    sizes = ", ".join(f"{p.name} {p.stat().st_size // 1024} KiB"
                      for p in sorted(PACKAGES.glob("*")) if p.suffix in (".deb", ".rpm"))
    log(f"PASS: {checks} checks in {time.monotonic() - T0:.1f}s ({sizes})")


if __name__ == "__main__":
    main()
