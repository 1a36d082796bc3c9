"""Write transactions run again after a serialization failure or a deadlock.

PostgreSQL may abort a transaction that collides with another (SQLSTATE 40001, 40P01: see
`db.is_retryable`); such a transaction changed nothing and may simply be run again. Imports and
syncs go through `retrying`, each attempt a whole new transaction.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from desktop_app.core import db

log = logging.getLogger(__name__)

ATTEMPTS = 5
PAUSE_S = 0.05  # before the second attempt; doubled for each further one, with jitter

_Result = TypeVar("_Result")


def retrying(
    work: Callable[[], _Result], *, what: str, attempts: int = ATTEMPTS, pause: float = PAUSE_S
) -> _Result:
    """Run `work` (one whole transaction) again while it fails with a serialization failure
    or a deadlock, at most `attempts` times; any other error is raised at once."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or not db.is_retryable(error):
                raise
            reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else ""
            log.info("%s: %s; trying again (attempt %d of %d)", what, reason, attempt + 1, attempts)
            time.sleep(pause * 2 ** (attempt - 1) * (1 + random.random()))
    raise AssertionError("unreachable")
