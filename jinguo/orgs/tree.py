"""Materialised paths for the organisation tree.

A node's path is its ancestors' ids and its own, each zero-padded to SEGMENT digits, with no
separator: "00000001" + "00000007" + "00000042". Digits only, so every collation (SQLite's
BINARY, PostgreSQL's C or a locale) orders them alike, and a subtree is a plain range
[path, upper_bound(path)) that a B-tree index answers on both databases. `startswith` would
become LIKE, which SQLite cannot answer from an index.
"""

SEGMENT = 8


def segment(pk: int) -> str:
    if pk >= 10**SEGMENT:
        raise ValueError(f"org id {pk} does not fit a path segment of {SEGMENT} digits")
    return f"{pk:0{SEGMENT}d}"


def child_path(parent_path: str, pk: int) -> str:
    return parent_path + segment(pk)


def upper_bound(path: str) -> str:
    """The smallest path that is neither `path` nor below it: the last segment plus one."""
    head, last = path[:-SEGMENT], int(path[-SEGMENT:])
    return head + f"{last + 1:0{SEGMENT}d}"


def within(path: str, ancestor: str) -> bool:
    """Whether the node at `path` is the node at `ancestor` or lies below it."""
    return path.startswith(ancestor)


def depth(path: str) -> int:
    return len(path) // SEGMENT


def ancestor_paths(path: str) -> list[str]:
    """Paths of every ancestor, root first, excluding the node itself."""
    return [path[:end] for end in range(SEGMENT, len(path), SEGMENT)]


def ids_in_path(path: str) -> list[int]:
    return [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]
