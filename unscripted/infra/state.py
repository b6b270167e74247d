"""Where Unscripted keeps state, so that no module hangs attributes on Sphinx's objects.

* ``DocumentStore``: values per document, kept in the build environment (and
  so across incremental builds), in the data of one small Sphinx domain. Sphinx
  calls the domain when it forgets a document (``clear_doc``) and when it merges
  the environments of a parallel read (``merge_domaindata``), so every store is
  purged and merged without a handler of its own.
* ``EnvironmentValue``: one value for the whole site, kept across builds in the
  same domain (what the last build saw, for the rebuild policy).
* ``PerBuild``: a value that lives as long as one Sphinx application.

Sphinx's parallel read forks a process per chunk of documents and sends the
whole environment back from each, which the main process unpickles one chunk
after another. The stores travel light: pickled in a forked reader, a
``DocumentStore`` holds only the documents that process read (the only ones
merged), and the site's values hold nothing (readers do not change them).
Sending everything made each chunk carry all the chunks before it: at ten
thousand essays, 66 MB to unpickle for the last one.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Set
from typing import Any, ClassVar, Generic, TypeVar

from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

T = TypeVar("T")


class DocumentValues(MutableMapping):
    """docname -> value; pickled in a forked process, only what that process set.

    A mapping, not a ``dict`` subclass: ``dict.setdefault`` and ``dict.update``
    bypass an overridden ``__setitem__``, so a value a reader stored with them was
    left out of what it sent back (an essay's problems, lost in a parallel read).
    Here every way of storing (``[]=``, ``setdefault``, ``update``) goes through
    ``__setitem__``, and a mapping has no ``|=`` that could go round it."""

    def __init__(self, values: Mapping[str, Any] = (), /) -> None:
        self.by_document: dict[str, Any] = dict(values)
        self.owner = os.getpid()  # the process that made or unpickled it
        self.set_in_fork: set[str] = set()

    def __getitem__(self, docname: str) -> Any:
        return self.by_document[docname]

    def __contains__(self, docname: object) -> bool:  # the dict's, not the mixin's try/except
        return docname in self.by_document

    def get(self, docname: str, default: Any = None) -> Any:
        return self.by_document.get(docname, default)

    def __setitem__(self, docname: str, value: Any) -> None:
        self.by_document[docname] = value
        if os.getpid() != self.owner:
            self.set_in_fork.add(docname)

    def __delitem__(self, docname: str) -> None:
        del self.by_document[docname]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_document)

    def __len__(self) -> int:
        return len(self.by_document)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.by_document!r})"

    def __reduce__(self) -> tuple:
        if os.getpid() != self.owner:
            return type(self), ({docname: self[docname] for docname in self.set_in_fork if docname in self},)
        return type(self), (self.by_document,)


class SiteValues(dict):
    """name -> value for the whole site; pickled in a forked process, empty."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.owner = os.getpid()

    def __reduce__(self) -> tuple:
        return type(self), (dict(self) if os.getpid() == self.owner else {},)


class StateDomain(Domain):
    """Holds the stores; it has no directives, roles or objects."""

    name = "unscripted"
    label = "Unscripted"
    initial_data: ClassVar[dict[str, Any]] = {"documents": {}, "site": SiteValues()}
    data_version = 3  # 2: stores that travel light from forked readers; 3: as mappings

    def clear_doc(self, docname: str) -> None:
        for values in self.data["documents"].values():
            values.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name, values in otherdata["documents"].items():
            mine = _documents(self.data, name)
            mine.update({docname: value for docname, value in values.items() if docname in docnames})

    def resolve_any_xref(self, *args, **kwargs) -> list:
        return []


def _data(env: BuildEnvironment) -> dict[str, Any]:
    return env.domains[StateDomain.name].data


def _documents(data: dict[str, Any], name: str) -> DocumentValues:
    stores = data["documents"]
    if name not in stores:
        stores[name] = DocumentValues()
    return stores[name]


class DocumentStore(Generic[T]):
    """``store(env)`` is a dict, docname -> T, that forgets and merges documents as Sphinx does."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, env: BuildEnvironment) -> dict[str, T]:
        return _documents(_data(env), self.name)


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
