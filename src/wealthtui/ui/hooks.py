"""Methods a base class leaves to its subclasses (its hooks), checked when a subclass is made.

`abc.abstractmethod` needs `ABCMeta` as the metaclass, which does not combine with Textual's
(`class P(Vertical, metaclass=ABCMeta)` is a metaclass conflict, and without ABCMeta the
decorator checks nothing). So a base names its hooks in `HOOKS`, declares each with its type
and no body, and calls `require` from `__init_subclass__`: a subclass lacking one fails when its
module is imported, with a sentence naming what is missing, not later when the method is first
called. A subclass that is itself a base for others says so in its class line (`abstract=True`).

    class HeadPanel(Calls, Vertical):
        HOOKS: ClassVar[tuple[str, ...]] = ("fetch", "show")
        #: the read to run: (service method, its arguments after the actor)
        fetch: Callable[[], tuple[Callable[..., Any], tuple[Any, ...]]]

        def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            require(cls, abstract=abstract)

    class ReportPanel(HeadPanel, abstract=True): ...    # fetch and show come further down
"""

from __future__ import annotations


def missing(cls: type) -> list[str]:
    """The hooks of `cls`'s bases (`HOOKS`) that `cls` does not define."""
    return [name for name in getattr(cls, "HOOKS", ()) if not callable(getattr(cls, name, None))]


def require(cls: type, *, abstract: bool = False) -> None:
    """Refuse a class that lacks a hook of its bases, unless it is `abstract` itself."""
    if abstract:
        return
    lacking = missing(cls)
    if lacking:
        raise TypeError(f"{cls.__module__}.{cls.__qualname__} does not define "
                        f"{', '.join(lacking)}, which its base leaves to it")
