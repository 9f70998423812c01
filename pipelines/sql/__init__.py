"""SQL the Python steps run, one statement (or script) per `.sql` file beside this module."""

from functools import cache
from importlib.resources import files


@cache
def read(name: str) -> str:
    """The text of `<name>.sql` in this folder."""
    return files(__name__).joinpath(f"{name}.sql").read_text(encoding="utf-8")
