"""Throughput benchmark: sanctionscan against a bare multi-pattern scan of the same patterns.

    python benchmarks/bench_scan.py                 # 20,000 + 2,000 dense documents
    python benchmarks/bench_scan.py --docs 2000 --dense-docs 300     # a quick look
    python benchmarks/bench_scan.py --corpus ../shared/corpus/dev.jsonl   # any JSON Lines

One run, two generated corpora (see gen_corpus.py; reproducible from --seed): the firehose-like
one, where about 5% of the documents describe a transfer and most take the skip path, and the
sanctions-dense one (about 11 frames, 37 party and 26 goods mentions a document, like real
sanctions news). For each it prints documents/s, MB/s and ms of CPU per document of:
  * rule-set load time: cold (validate + compile) and from the compiled-form cache;
  * documents/s and MB/s of `Scanner.scan_document` with the shipped rules and lists plus a
    synthetic 10,000-alias list, with the shipped rules and no lists, and of a bare
    pyahocorasick pass of exactly the same patterns (every lexicon key and every list key) over
    the lower-cased text: no segmentation, frames or rules, the physical floor;
  * the ratio sanctionscan / bare scan;
and, on the firehose corpus, the rule-set load time, the process pool (`--jobs`) speed-up
(checked to give the same results as one process) and the peak memory (max RSS) of
`sanctionscan scan corpus.jsonl -f jsonl` run as a user runs it.

With `--corpus FILE` (repeatable) it times those files instead, with the shipped rules with and
without their lists: no generated corpus, no synthetic list, no CLI run.

Documents are read into memory once before the timed passes, so the passes time scanning, not
JSON parsing; the CLI run at the end includes reading, scanning and writing. To time two
versions of the code against each other, see compare.py.
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


def _row(name: str, seconds: float, docs: int, mb: float, floor: float | None = None,
         cpu: float | None = None) -> str:
    ratio = f"{(docs / seconds) / floor:8.3f}" if floor else f"{'':8s}"
    per_doc = f"{1000 * cpu / docs:8.3f} ms" if cpu is not None else f"{'':11s}"
    return (f"  {name:44s} {seconds:8.2f} s {docs / seconds:9.0f} docs/s {mb / seconds:7.2f} MB/s"
            f" {per_doc} {ratio}")


def _scan_timed(scanner: Scanner, docs: list[Document]
                ) -> tuple[float, float, list[DocumentResult]]:
    """Wall seconds, CPU seconds (this process) and the results of scanning `docs`."""
    wall, cpu = time.perf_counter(), time.process_time()
    results = [scanner.scan_document(d) for d in docs]
    return time.perf_counter() - wall, time.process_time() - cpu, results


_HEADER = (f"  {'':44s} {'wall':>10s} {'documents/s':>16s} {'MB/s':>12s} {'CPU/doc':>11s} "
           f"{'/ bare':>8s}")


def time_corpus(title: str, docs: list[Document], scanners: list[tuple[str, Scanner]],
                patterns: list[str]) -> tuple[float, list[tuple[float, list[DocumentResult]]]]:
    """Print the bare scan's row and one row per scanner for `docs`; returns the bare scan's
    wall seconds and each scanner's wall seconds and results."""
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    print(f"\n{title}: {len(docs)} documents, {mb:.1f} MB, {len(set(patterns))} patterns in "
          f"the bare scan\n{_HEADER}")
    bare = bare_scan(patterns)
    cpu = time.process_time()
    bare_seconds, _ = _timed(lambda: bare(docs))
    floor = len(docs) / bare_seconds
    print(_row("bare pyahocorasick scan (floor)", bare_seconds, len(docs), mb, floor,
               time.process_time() - cpu))
    out = []
    for name, scanner in scanners:
        _scan_timed(scanner, docs[:50])  # first calls fill caches and compile patterns
        seconds, cpu, results = _scan_timed(scanner, docs)
        print(_row(name, seconds, len(docs), mb, floor, cpu))
        out.append((seconds, results))
    results = out[0][1]
    flagged = sum(1 for r in results if r.findings)
    print(f"  findings ({scanners[0][0]}): {sum(len(r.findings) for r in results)} in "
          f"{flagged} documents ({100 * flagged / max(1, len(docs)):.1f}%)")
    return bare_seconds, out


def _signature(results: list[DocumentResult]) -> list[tuple[str, list[str]]]:
    return [(r.id, [f.fingerprint for f in r.findings]) for r in results]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sanctionscan throughput benchmark")
    parser.add_argument("--docs", type=int, default=20000, help="firehose-like documents")
    parser.add_argument("--dense-docs", type=int, default=2000,
                        help="sanctions-dense documents (0: none)")
    parser.add_argument("--corpus", type=Path, action="append", default=[],
                        help="time this JSON Lines file instead (repeatable)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--aliases", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--workdir", type=Path, help="keep the corpus and list here")
    args = parser.parse_args(argv)

    if args.corpus:
        return run_files(args.corpus)
    with tempfile.TemporaryDirectory(prefix="sanctionscan-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        return run(args, work)


def _banner() -> None:
    print(f"sanctionscan benchmark: python {platform.python_version()}, "
          f"{default_jobs()} core(s), load average {os.getloadavg()[0]:.2f}")


def run(args: argparse.Namespace, work: Path) -> int:
    _banner()
    bench_rules = work / "rules"
    corpus = work / "corpus.jsonl"
    dense = work / "dense.jsonl"
    seconds, names = _timed(lambda: write_synthetic_list(
        bench_rules / "lists" / "synthetic.yaml", args.aliases, args.seed))
    vocab = Vocabulary.from_rules(default_rules_dir(), list(names))  # type: ignore[arg-type]
    gen_seconds, text_bytes = _timed(lambda: write_corpus(corpus, args.docs, args.seed, vocab))
    mb = int(text_bytes) / 1e6  # type: ignore[call-overload]
    dense_bytes = write_corpus(dense, args.dense_docs, args.seed, vocab, dense=True)
    print(f"corpus: {args.docs} documents, {mb:.1f} MB of text (seed {args.seed}), generated "
          f"in {gen_seconds:.1f} s; dense corpus: {args.dense_docs} documents, "
          f"{dense_bytes / 1e6:.1f} MB; synthetic list: {len(names)} aliases "  # type: ignore[arg-type]
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

    patterns = _patterns(full)
    scanners = [("sanctionscan, shipped rules + 10k-alias list", Scanner(full)),
                ("sanctionscan, shipped rules, no lists", Scanner(plain))]
    docs = [d for d in read_jsonl(corpus) if isinstance(d, Document)]
    floor_seconds, rows = time_corpus("firehose-like corpus", docs, scanners, patterns)
    (full_seconds, full_results), (plain_seconds, _) = rows

    if args.jobs > 1:
        par_seconds, par_results = _timed(
            lambda: list(scan_documents(docs, full, jobs=args.jobs)))
        same = _signature(par_results) == _signature(full_results)  # type: ignore[arg-type]
        print(_row(f"sanctionscan --jobs {args.jobs} (rules + list)", par_seconds, len(docs),
                   mb))
        print(f"  speed-up over one process: {full_seconds / par_seconds:.2f}x; results "
              f"{'identical' if same else 'DIFFERENT'} to one process")
    print(f"  sanctionscan / bare scan: 1/{full_seconds / floor_seconds:.1f} with the list, "
          f"1/{plain_seconds / floor_seconds:.1f} without")

    if args.dense_docs:
        dense_docs = [d for d in read_jsonl(dense) if isinstance(d, Document)]
        time_corpus("sanctions-dense corpus", dense_docs, scanners, patterns)
        dense_docs.clear()

    docs.clear()
    full_results.clear()
    cli_memory(corpus, bench_rules, cache_dir, mb, args.jobs)
    return 0


def run_files(paths: list[Path]) -> int:
    """Time JSON Lines files of the user's with the shipped rules, with and without lists."""
    _banner()
    full = load_ruleset()
    plain = load_ruleset(with_lists=False)
    scanners = [("sanctionscan, shipped rules + lists", Scanner(full)),
                ("sanctionscan, shipped rules, no lists", Scanner(plain))]
    for path in paths:
        docs = [d for d in read_jsonl(path) if isinstance(d, Document)]
        if not docs:
            print(f"\n{path}: no documents")
            continue
        time_corpus(str(path), docs, scanners, _patterns(full))
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
