"""sanctionscan: flags possible UN Security Council sanctions violations described in news."""

from __future__ import annotations

__version__ = "0.1.0"
