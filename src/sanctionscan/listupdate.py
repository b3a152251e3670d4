"""Refreshing the shipped UN list from the official XML: the download, then `lists.replace_list`.

Kept apart from `lists` (which reads, writes and compares list files) so that the list layer
does no network I/O: fetching, with its timeouts, size limit and retries, is `fetch`'s.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from sanctionscan.fetch import Fetcher, FetchError, FetchPolicy
from sanctionscan.lists import MAX_XML_BYTES, ListImportError, UpdateResult, replace_list

# a 2 MB list over a slow link: the whole download, not one read
DEFAULT_TIMEOUT = 300.0


def update_list(url: str, target: Path | str, *, policy: FetchPolicy | None = None,
                transport: httpx.BaseTransport | None = None, force: bool = False
                ) -> UpdateResult:
    """Fetch the UN XML from `url`, validate it and replace the list file `target` with it
    (see `lists.replace_list`). A failed download raises ListImportError and changes nothing."""
    policy = policy or FetchPolicy(timeout=DEFAULT_TIMEOUT, max_bytes=MAX_XML_BYTES)
    try:
        with Fetcher(policy, transport=transport) as fetcher:
            fetched = fetcher.get(url, accept="application/xml, text/xml")
    except FetchError as exc:
        raise ListImportError(f"cannot fetch the list: {exc}") from exc
    return replace_list(fetched.content, url, target, force=force)
