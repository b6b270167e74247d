"""Where Unscripted keeps state, so that no module hangs attributes on Sphinx's objects.

* ``DocumentStore``: values per document, kept in the build environment (and
  so across incremental builds), in the data of one small Sphinx domain. Sphinx
  calls the domain when it forgets a document (``clear_doc``) and when it merges
  the environments of a parallel read (``merge_domaindata``), so every store is
  purged and merged without a handler of its own.
* ``EnvironmentValue``: one value for the whole site, kept across builds in the
  same domain (what the last build saw, for the rebuild policy).
* ``PerBuild``: a value that lives as long as one Sphinx application.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Set
from typing import Any, ClassVar, Generic, TypeVar

from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

T = TypeVar("T")


class StateDomain(Domain):
    """Holds the stores; it has no directives, roles or objects."""

    name = "unscripted"
    label = "Unscripted"
    initial_data: ClassVar[dict[str, Any]] = {"documents": {}, "site": {}}
    data_version = 1

    def clear_doc(self, docname: str) -> None:
        for values in self.data["documents"].values():
            values.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name, values in otherdata["documents"].items():
            mine = self.data["documents"].setdefault(name, {})
            mine.update({docname: value for docname, value in values.items() if docname in docnames})

    def resolve_any_xref(self, *args, **kwargs) -> list:
        return []


def _data(env: BuildEnvironment) -> dict[str, Any]:
    return env.domains[StateDomain.name].data


class DocumentStore(Generic[T]):
    """``store(env)`` is a dict, docname -> T, that forgets and merges documents as Sphinx does."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, env: BuildEnvironment) -> dict[str, T]:
        return _data(env)["documents"].setdefault(self.name, {})


class EnvironmentValue(Generic[T]):
    """``value(env)`` is one T for the whole site, kept with the environment."""

    def __init__(self, name: str, factory: Callable[[], T]) -> None:
        self.name, self.factory = name, factory

    def __call__(self, env: BuildEnvironment) -> T:
        site = _data(env)["site"]
        if self.name not in site:
            site[self.name] = self.factory()
        return site[self.name]


class PerBuild(Generic[T]):
    """``value(app)`` is one T per Sphinx application, made on first use."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self.factory = factory
        self.values: weakref.WeakKeyDictionary[Sphinx, T] = weakref.WeakKeyDictionary()

    def __call__(self, app: Sphinx) -> T:
        if app not in self.values:
            self.values[app] = self.factory()
        return self.values[app]
