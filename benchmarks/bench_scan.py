"""Throughput benchmark: sanctionscan against a bare multi-pattern scan of the same patterns.

    python benchmarks/bench_scan.py                 # 20,000 documents, 10,000-alias list
    python benchmarks/bench_scan.py --docs 2000     # a quick look

One run, one generated corpus (see gen_corpus.py; reproducible from --seed), and it prints:
  * rule-set load time: cold (validate + compile) and from the compiled-form cache;
  * documents/s and MB/s of `Scanner.scan_document` with the shipped rules and lists plus a
    synthetic 10,000-alias list, with the shipped rules and no lists, and of a bare
    pyahocorasick pass of exactly the same patterns (every lexicon key and every list key) over
    the lower-cased text: no segmentation, frames or rules, the physical floor;
  * the ratio sanctionscan / bare scan;
  * the process pool (`--jobs`) speed-up, with a check that its results equal one process's;
  * peak memory (max RSS) of `sanctionscan scan corpus.jsonl -f jsonl` run as a user runs it.

Documents are read into memory once before the timed passes, so the passes time scanning, not
JSON parsing; the CLI run at the end includes reading, scanning and writing.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ahocorasick

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import Vocabulary, write_corpus, write_synthetic_list

from sanctionscan.cache import load_ruleset_cached
from sanctionscan.engine import Scanner
from sanctionscan.models import Document, DocumentResult
from sanctionscan.parallel import default_jobs, scan_documents
from sanctionscan.ruleset import RuleSet, default_rules_dir, load_ruleset
from sanctionscan.sources import read_jsonl


def _timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def _patterns(ruleset: RuleSet) -> list[str]:
    keys = list(ruleset.lexicon.patterns())
    matcher = ruleset.list_matcher
    if matcher is not None:
        keys += list(matcher._automaton.keys())
    return keys


def bare_scan(patterns: list[str]) -> Callable[[list[Document]], int]:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i, key in enumerate(dict.fromkeys(patterns)):
        automaton.add_word(key, i)
    automaton.make_automaton()

    def run(docs: list[Document]) -> int:
        hits = 0
        for doc in docs:
            for _ in automaton.iter(doc.text.lower()):
                hits += 1
        return hits

    return run


def _row(name: str, seconds: float, docs: int, mb: float, floor: float | None = None) -> str:
    ratio = f"{(docs / seconds) / floor:8.3f}" if floor else f"{'':8s}"
    return (f"  {name:44s} {seconds:8.2f} s {docs / seconds:9.0f} docs/s {mb / seconds:7.2f} MB/s"
            f" {ratio}")


def _signature(results: list[DocumentResult]) -> list[tuple[str, list[str]]]:
    return [(r.id, [f.fingerprint for f in r.findings]) for r in results]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sanctionscan throughput benchmark")
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--aliases", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--workdir", type=Path, help="keep the corpus and list here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sanctionscan-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        return run(args, work)


def run(args: argparse.Namespace, work: Path) -> int:
    print(f"sanctionscan benchmark: python {platform.python_version()}, "
          f"{default_jobs()} core(s), load average {os.getloadavg()[0]:.2f}")
    bench_rules = work / "rules"
    corpus = work / "corpus.jsonl"
    seconds, names = _timed(lambda: write_synthetic_list(
        bench_rules / "lists" / "synthetic.yaml", args.aliases, args.seed))
    vocab = Vocabulary.from_rules(default_rules_dir(), list(names))  # type: ignore[arg-type]
    gen_seconds, text_bytes = _timed(lambda: write_corpus(corpus, args.docs, args.seed, vocab))
    mb = int(text_bytes) / 1e6  # type: ignore[call-overload]
    print(f"corpus: {args.docs} documents, {mb:.1f} MB of text (seed {args.seed}), generated "
          f"in {gen_seconds:.1f} s; synthetic list: {len(names)} aliases "  # type: ignore[arg-type]
          f"written in {seconds:.1f} s")

    dirs = [default_rules_dir(), bench_rules]
    cache_dir = work / "cache"
    cold, full = _timed(lambda: load_ruleset(dirs))
    load_ruleset_cached(dirs, cache_dir=cache_dir)  # writes the entry
    cached, full = _timed(lambda: load_ruleset_cached(dirs, cache_dir=cache_dir))
    cold_plain, plain = _timed(lambda: load_ruleset([default_rules_dir()], with_lists=False))
    assert isinstance(full, RuleSet) and isinstance(plain, RuleSet)
    forms = full.list_matcher.aliases if full.list_matcher is not None else 0
    print(f"rule set: {len(full.rules)} rules, lexicon {full.lexicon.size} keys, lists "
          f"{sum(len(lst.entries) for lst in full.lists)} entries -> {forms} list forms")
    print(f"  load with lists: cold {cold:.2f} s, cached {cached:.3f} s; "
          f"without lists: cold {cold_plain:.2f} s")

    docs = [d for d in read_jsonl(corpus) if isinstance(d, Document)]
    patterns = _patterns(full)
    print(f"\nthroughput ({len(docs)} documents, {len(set(patterns))} patterns in the bare scan)"
          f"{'':6s}time      docs/s     MB/s  / bare")
    bare = bare_scan(patterns)
    bare_seconds, _ = _timed(lambda: bare(docs))
    floor = len(docs) / bare_seconds
    print(_row("bare pyahocorasick scan (floor)", bare_seconds, len(docs), mb, floor))

    scanner = Scanner(full)
    full_seconds, full_results = _timed(lambda: [scanner.scan_document(d) for d in docs])
    print(_row("sanctionscan, shipped rules + 10k-alias list", full_seconds, len(docs), mb,
               floor))
    plain_scanner = Scanner(plain)
    plain_seconds, _ = _timed(lambda: [plain_scanner.scan_document(d) for d in docs])
    print(_row("sanctionscan, shipped rules, no lists", plain_seconds, len(docs), mb, floor))
    assert isinstance(full_results, list)
    flagged = sum(1 for r in full_results if r.findings)
    print(f"  findings: {sum(len(r.findings) for r in full_results)} in {flagged} documents "
          f"({100 * flagged / len(docs):.1f}%)")

    if args.jobs > 1:
        par_seconds, par_results = _timed(
            lambda: list(scan_documents(docs, full, jobs=args.jobs)))
        same = _signature(par_results) == _signature(full_results)  # type: ignore[arg-type]
        print(_row(f"sanctionscan --jobs {args.jobs} (rules + list)", par_seconds, len(docs),
                   mb, floor))
        print(f"  speed-up over one process: {full_seconds / par_seconds:.2f}x; results "
              f"{'identical' if same else 'DIFFERENT'} to one process")

    ratio = (len(docs) / full_seconds) / floor
    print(f"\nsanctionscan / bare scan: {ratio:.3f} (1/{1 / ratio:.1f}) with the list, "
          f"{(len(docs) / plain_seconds) / floor:.3f} without")

    docs.clear()
    full_results.clear()
    cli_memory(corpus, bench_rules, cache_dir, mb, args.jobs)
    return 0


def cli_memory(corpus: Path, rules: Path, cache_dir: Path, mb: float, jobs: int) -> None:
    """Run the CLI as a user would (streaming JSON Lines in and out) and report its peak RSS."""
    out = corpus.with_name("findings.jsonl")
    env = dict(os.environ, SANCTIONSCAN_CACHE_DIR=str(cache_dir))
    exe = Path(sys.executable).with_name("sanctionscan")
    # make sure the compiled rule set is in the cache, as it is for every run after the first
    warm = corpus.with_name("warm.txt")
    warm.write_text("Nothing to see here.\n", encoding="utf-8")
    subprocess.run([str(exe), "scan", str(warm), "--rules", str(rules), "-q"], env=env,
                   stdout=subprocess.DEVNULL, check=False)
    print()
    for n in sorted({1, jobs}):
        command = [str(exe), "scan", str(corpus), "--rules", str(rules), "-f", "jsonl", "-o",
                   str(out), "-q", "--jobs", str(n)]
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env)
        peak = _peak_rss_mb(process)
        seconds = time.perf_counter() - start
        print(f"CLI, streaming JSONL in and out, --jobs {n}: {seconds:.1f} s wall "
              f"({mb / seconds:.2f} MB/s incl. start-up, cached rule load, reading, writing); "
              f"peak memory {peak:.0f} MB per process")


def _peak_rss_mb(process: subprocess.Popen[bytes]) -> float:
    """Highest VmHWM of the process and its workers, polled until it exits. (ru_maxrss of a
    child on Linux also counts the parent's pages it held between fork and exec: here, the
    whole in-memory corpus.)"""
    peak = 0
    while process.poll() is None:
        pids = [process.pid]
        try:
            for task in Path(f"/proc/{process.pid}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
        time.sleep(0.05)
    return peak / 1024


if __name__ == "__main__":
    sys.exit(main())
