"""A least-recently-used cache bounded by the number and the total size of its values."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sized
from typing import Generic, TypeVar

Value = TypeVar("Value", bound=Sized)


class SizedCache(Generic[Value]):
    """Keeps at most `items` values holding at most `total` elements in all (by `len`)."""

    def __init__(self, items: int, total: int) -> None:
        self._items = items
        self._total = total
        self._size = 0
        self._values: OrderedDict[object, Value] = OrderedDict()

    def get(self, key: object, compute: Callable[[], Value]) -> Value:
        """The value for `key`, computed and remembered when missing (unhashable: computed)."""
        try:
            found = self._values.get(key)
        except TypeError:
            return compute()
        if found is not None:
            self._values.move_to_end(key)
            return found
        value = compute()
        if len(value) <= self._total:
            self._values[key] = value
            self._size += len(value)
            while len(self._values) > self._items or self._size > self._total:
                _key, dropped = self._values.popitem(last=False)
                self._size -= len(dropped)
        return value

    def __len__(self) -> int:
        return len(self._values)

    @property
    def size(self) -> int:
        """The number of elements held in all values."""
        return self._size
