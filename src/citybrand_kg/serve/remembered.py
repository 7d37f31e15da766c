"""Results remembered per text: a bounded cache for pure functions of a query text or a header.

The server meets the same few query texts and ``Accept`` headers again and again, in the parent
and in every worker. ``remembered(kept, longest)`` keeps a function's results for the ``kept``
texts used last; a text longer than ``longest`` characters is computed afresh, so the memory a
client can make the cache hold stays bounded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def remembered(kept: int, longest: int) -> Callable[[F], F]:
    """Decorate ``function(text, *rest)`` (``text`` a string or ``None``; ``rest`` hashable)."""

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=kept)(function)

        @functools.wraps(function)
        def call(text: str | None, *rest: Any) -> Any:
            if text is not None and len(text) > longest:
                return function(text, *rest)
            return cached(text, *rest)

        return cast(F, call)

    return decorate
