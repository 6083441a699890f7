"""What a validation finds: a problem names the file, row, column, value and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    code: str
    file: str
    message: str
    row: int | None = None  # spreadsheet row: the header is row 1, the first data row is 2
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}"
        if self.value is not None:
            text += f" (value: {_show(self.value)})"
        return f"{text} [{self.code}]"

    def as_dict(self) -> dict:
        return asdict(self)


def _show(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[:limit] + "…"
    return repr(shown)


class LoadError(Exception):
    """A load that was refused. The warehouse was left exactly as it was."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was changed")
