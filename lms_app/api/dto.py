"""Pydantic models made from the pages' TypedDict DTOs (one definition of each view).

Pydantic refuses ``typing.TypedDict`` on Python < 3.12, so ``model_of(SomeView)`` builds (once)
an equivalent ``BaseModel`` with the same fields, nested views and lists of views included."""

from __future__ import annotations

import functools
import typing
from typing import Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, create_model


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__") and hasattr(tp, "__annotations__")


def _convert(tp: Any) -> Any:
    if _is_typeddict(tp):
        return model_of(tp)
    origin = get_origin(tp)
    if origin in (list, typing.List):  # noqa: UP006
        return list[_convert(get_args(tp)[0])]
    if origin is dict:
        k, v = get_args(tp)
        return dict[k, _convert(v)]
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = tuple(_convert(a) for a in get_args(tp))
        return typing.Union[args]  # noqa: UP007
    return tp


@functools.cache
def model_of(view: type) -> type[BaseModel]:
    hints = get_type_hints(view)
    fields = {name: (_convert(tp), ...) for name, tp in hints.items()}
    return create_model(view.__name__, __config__=ConfigDict(extra="ignore"), __doc__=view.__doc__, **fields)
