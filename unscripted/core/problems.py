"""A problem in a writer's file, located as precisely as the parser knows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str  # relative to the project, POSIX separators
    line: int | None
    message: str
    author: str | None = None  # an unknown author's name: reported once per build, with the others

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def problems_summary(problems: list[Problem]) -> str:
    """The closing line, "2 problems in the essays above", said of where they are: conf.py is not an essay."""
    count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
    files = {problem.path for problem in problems}
    if files == {"conf.py"}:
        return f"{count} in conf.py"
    if all(path.startswith("posts/") for path in files):
        return f"{count} in the {'essay' if len(files) == 1 else 'essays'} above"
    return f"{count} in the files above"


class ProblemsFound(Exception):
    """Raised with every problem found in one file, so that all are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
