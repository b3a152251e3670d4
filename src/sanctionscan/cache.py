"""The compiled-rule-set cache: a pickle of the `RuleSet` under the user's cache folder.

Loading a rule set validates every YAML file and compiles the lexicon and list automatons; with a
large list that takes seconds, and a CI job or a worker process pays it on every start. The
compiled form is pickled once and reused while nothing it was built from has changed.

The cache key is the sha256 of the package version, the source of the package's own modules (a
code change may change what compiling produces, even at the same version), the Python version
and every rule, lexicon and list file's relative path, location and bytes. Any edit to any of
them gives a new key, so a stale entry is never read; old entries are pruned. Entries are written
atomically (temporary file, then rename); an entry that cannot be read for any reason (truncated,
corrupted, written by an incompatible version) is ignored and rebuilt. Caching is best effort: an
unwritable cache folder only costs the rebuild.

A pickle runs code when loaded, so the cache lives in a folder only the user can write (0700).
Set SANCTIONSCAN_CACHE_DIR to move it, or SANCTIONSCAN_NO_CACHE=1 to turn it off.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from sanctionscan import __version__
from sanctionscan.ruleset import RuleSet, collect_rule_files, default_rules_dir, load_ruleset

_MAGIC = b"sanctionscan-ruleset-cache\x00"
_FORMAT = 3  # 3: the list matcher reads keys as one character each (names._KeyCodes)
_KEEP = 8  # entries kept in the folder; older ones are deleted after a write


def default_cache_dir() -> Path | None:
    """Where compiled rule sets are kept, or None when caching is turned off."""
    if os.environ.get("SANCTIONSCAN_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("SANCTIONSCAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sanctionscan"


def _code_fingerprint() -> bytes:
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


def cache_key(dirs: list[Path], *, with_lists: bool = True) -> str:
    """The key of the compiled rule set for these folders, as it would be loaded now."""
    digest = hashlib.sha256()
    digest.update(f"{_FORMAT}\0{__version__}\0{sys.version}\0{with_lists}\0".encode())
    digest.update(_code_fingerprint())
    files = collect_rule_files(dirs)
    for rel in sorted(files):
        path = files[rel]
        digest.update(f"{rel}\0{path.resolve()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_ruleset_cached(dirs: list[Path] | None = None, *, with_lists: bool = True,
                        cache_dir: Path | None = None) -> RuleSet:
    """`load_ruleset`, served from the cache when the same files were compiled before.

    Rule-file errors are raised exactly as `load_ruleset` raises them (nothing is cached then).
    `cache_dir` overrides `default_cache_dir()`; the default honours the environment.
    """
    dirs = list(dirs or [default_rules_dir()])
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    if folder is None:
        return load_ruleset(dirs, with_lists=with_lists)
    try:
        key = cache_key(dirs, with_lists=with_lists)
    except OSError:
        # a missing folder or unreadable file: let the loader report it as a rule-file error
        return load_ruleset(dirs, with_lists=with_lists)
    entry = folder / f"ruleset-{key[:40]}.pickle"
    cached = _read(entry, key)
    if cached is not None:
        return cached
    ruleset = load_ruleset(dirs, with_lists=with_lists)
    _write(folder, entry, key, ruleset)
    return ruleset


def _read(entry: Path, key: str) -> RuleSet | None:
    try:
        with entry.open("rb") as handle:
            if handle.read(len(_MAGIC)) != _MAGIC:
                return None
            # A compiled list is hundreds of thousands of small objects; the cyclic collector
            # would walk them again and again while they are created (3x slower load).
            collecting = gc.isenabled()
            gc.disable()
            try:
                stored_key, ruleset = pickle.load(handle)
            finally:
                if collecting:
                    gc.enable()
    except FileNotFoundError:
        return None
    except Exception:
        return None
    if stored_key != key or not isinstance(ruleset, RuleSet):
        return None
    return ruleset


def _write(folder: Path, entry: Path, key: str, ruleset: RuleSet) -> None:
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".ruleset-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC)
            pickle.dump((key, ruleset), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
        tmp = None
        _prune(folder, keep=entry)
    except Exception:
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _prune(folder: Path, keep: Path) -> None:
    entries = sorted(folder.glob("ruleset-*.pickle"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for old in entries[_KEEP:]:
        if old != keep:
            old.unlink(missing_ok=True)
