"""sanctionscan: flags possible UN Security Council sanctions violations described in news.

The Python API mirrors `sanctionscan scan` with its defaults (shipped rules, min_confidence
0.3): `sanctionscan.scan_text(text)` for one article, `sanctionscan.Engine(rules=...)` to build
once and scan many (`scan_text`, `scan_document`, `scan(paths)` -> `Report`). Both load on
first use, so `import sanctionscan` stays cheap for the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Engine", "__version__", "scan_text"]

if TYPE_CHECKING:  # pragma: no cover
    from sanctionscan.api import Engine, scan_text


def __getattr__(name: str) -> Any:
    if name in ("Engine", "scan_text"):
        from sanctionscan import api

        return getattr(api, name)
    raise AttributeError(f"module 'sanctionscan' has no attribute {name!r}")
