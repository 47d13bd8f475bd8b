"""Safe YAML reading that remembers where every key and value came from.

PyYAML composes the document into nodes (which carry line and column); we build plain
Python data from them ourselves so that we can refuse duplicate keys, bound alias
expansion, and keep a map from each data path to its position in the file.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qnkpi.errors import Problem, SpecError

# libyaml's parser and composer (C) where PyYAML has them (`yaml.__with_libyaml__`): both
# give nodes with marks (line, column), which is all the builder below reads
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Most values aliases (`*name`) may repeat in a document, counting every value inside
#: what they repeat; bounds "billion laughs" alias bombs. A document without aliases is
#: bounded by its file size only.
MAX_NODES = 200_000
#: Deepest nesting a document may have (also bounds aliases inside their own anchor).
MAX_DEPTH = 100

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """YAML data with the position (1-based line, column) of every value and key."""

    data: Any
    file: Path
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: each scalar value as written in the file (06652 rather than 3498)
    scalars: dict[Path_, str] = field(default_factory=dict)
    #: for a scalar on one line whose characters are its value's (plain, or quoted without
    #: escapes): the position of its value's first character, to point inside the text
    text_starts: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: a key that is likely the end of a text a comma cut in two inside `{...}` (`{en: 100,
    #: 000 births}`): the key's path -> the text as written, both parts
    cut_texts: dict[Path_, str] = field(default_factory=dict)
    #: a key a merge key (`<<: *defaults`) brought into a mapping: its path -> the position
    #: of that `<<`, which problems inside the merged value point at
    merges: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_, *, key: bool = False) -> tuple[int | None, int | None]:
        """Where `path` is in the file; falls back to the closest enclosing value."""
        if key and path in self.keys:
            return self.keys[path]
        probe = tuple(path)
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (None, None))

    def problem(self, path: Path_, message: str, *, key: bool = False,
                severity: str = "error") -> Problem:
        line, column = self.position(path, key=key)
        merge = self._merged_by(path) if self.merges else None
        if merge is not None:  # at the `<<` that pulled it in, and where it is written
            if line is not None:
                message = f"{message} (written at line {line}, merged here by '<<')"
            line, column = merge
        return Problem(message, self.file, line, column, severity)

    def _merged_by(self, path: Path_) -> tuple[int, int] | None:
        """Where the outermost merge key (`<<`) that brought `path` in is, if one did."""
        for end in range(1, len(path) + 1):
            found = self.merges.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_yaml(text: str, file: Path) -> Located:
    """Parse `text` safely; raise [`SpecError`][qnkpi.errors.SpecError] with a position on
    any problem."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise SpecError(_syntax_problem(exc, file, text)) from None
    except yaml.reader.ReaderError as exc:
        raise SpecError(_unprintable(exc, file, text)) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SpecError(Problem(f"not valid YAML: {first}", file)) from None
    except RecursionError:
        raise SpecError(Problem(_TOO_DEEP, file)) from None
    located = Located(data=None, file=file)
    if root is None:
        return located
    builder = _Builder(loader, located, text)
    located.data = builder.build(root, ())
    if builder.problems:  # an anchor's problems once, however often it is merged
        raise SpecError(list(dict.fromkeys(builder.problems)))
    return located


_TOO_DEEP = f"the document nests more than {MAX_DEPTH} levels deep; simplify it"
_CORE = "tag:yaml.org,2002:"
#: The tags of plain scalars: what YAML reads unquoted text as, or an explicit `!!str`.
_PLAIN = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_STR = f"{_CORE}str"
_COLLECTIONS = (f"{_CORE}map", f"{_CORE}seq")
_NOT_YET = object()
#: Scalars PyYAML tags but cannot construct alone: `=` and `<<` as values are text.
_AS_TEXT = {f"{_CORE}value", f"{_CORE}merge"}


def _refused(tag: str) -> str:
    shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
    return (f"the tag '{shown}' is refused: only plain YAML is accepted (no tags that build "
            "objects); remove the tag")


def _syntax_problem(exc: yaml.MarkedYAMLError, file: Path, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = (exc.problem or "invalid YAML").strip()
    lines = text.splitlines()
    here = lines[mark.line] if mark and mark.line < len(lines) else ""
    at_tab = here[mark.column:mark.column + 1] == "\t" if mark else False
    if "\t" in problem or "\\t" in problem or " tab " in problem or at_tab:
        message = "a tab character here: YAML indents with spaces only; replace tabs with spaces"
    elif isinstance(exc, yaml.constructor.ConstructorError):
        message = f"{problem}; only plain YAML is accepted (no tags that build objects)"
    else:
        context = f" ({exc.context.strip()})" if exc.context else ""
        message = f"not valid YAML: {problem}{context}; {_hint(exc)}"
    return Problem(message, file, line, column)


def _hint(exc: yaml.MarkedYAMLError) -> str:
    """What to do about a syntax error (PyYAML's and libyaml's words differ)."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.context_mark
    opened = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    if "flow mapping" in context:
        return (f"the '{{' opened{opened} is not closed: close it with '}}', or put text that "
                "holds ',', ':' or '}' in quotes")
    if "flow sequence" in context:
        return (f"the '[' opened{opened} is not closed: close it with ']', or put text that "
                "holds ',' or ']' in quotes")
    if "quoted scalar" in context and "end of stream" in problem:
        return f"the quote opened{opened} is never closed: close it"
    if "escape" in problem:
        return ("inside double quotes a backslash starts an escape: write \\\\ for a "
                "backslash, or use single quotes")
    if "mapping values are not allowed" in problem:
        return ("a ': ' where no key can start: put the value in quotes, or check the "
                "indentation")
    if "expected ':'" in problem:
        return ("this line is neither 'key: value' nor a list item '- ...': add the ':', or "
                "check the indentation")
    if "block mapping" in context:
        return "check the indentation: the keys of one mapping start in the same column"
    if "block collection" in context:
        return ("check the indentation: the items of one list start with '- ' in the same "
                "column")
    if "undefined alias" in problem:
        return "define the anchor (&name) before the alias (*name) that repeats it"
    if "duplicate anchor" in context:
        return "give each anchor (&name) its own name"
    if "another document" in problem:
        return "a spec is one YAML document: remove the '---' line and what follows it"
    if "cannot start any token" in problem:
        return ("YAML reserves this character at the start of a value (such as @ or `): put "
                "the value in quotes")
    if "anchor" in context or "alias" in context:
        return "an anchor (&) or an alias (*) needs a name: write &name or *name"
    if "directive" in problem + context or "document start" in problem:
        return ("a line that starts with '%' is a YAML directive: remove it, or put the text "
                "in quotes")
    return "check the quotes and the indentation here"


def _unprintable(exc: yaml.reader.ReaderError, file: Path, text: str) -> Problem:
    """A control character in the text, located (libyaml counts bytes, PyYAML characters:
    look for the character itself)."""
    char = chr(exc.character) if isinstance(exc.character, int) else ""
    index = text.find(char) if char else -1
    if index < 0:
        return Problem(f"not valid YAML: {exc.reason}; save the file as plain UTF-8 text",
                       file)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Problem(f"not valid YAML: unacceptable character #x{ord(char):04x} here; remove "
                   "it (YAML files hold printable text only)", file, line, column)


def _cut_text(lines: list[str], before: yaml.Node, key: yaml.Node, value: yaml.Node) -> str:
    """The text a comma cut in two in a flow mapping (`{en: Deaths per 100,000 births}`
    reads as `en: Deaths per 100` and a key `000 births` without a value), as written; ""
    when `key` is not such a piece: a plain key without ':' and value, right after a
    plain scalar value on the same line."""
    plain = (None, "")  # PyYAML's style of a plain scalar, and libyaml's
    if not (isinstance(before, yaml.ScalarNode) and before.style in plain and before.value
            and isinstance(key, yaml.ScalarNode) and key.style in plain
            and isinstance(value, yaml.ScalarNode) and value.value == "" and value.style in plain
            and before.end_mark.line == key.start_mark.line == key.end_mark.line
            and value.start_mark.index == key.end_mark.index):
        return ""
    line = key.start_mark.line
    here = lines[line] if line < len(lines) else ""
    start, end = before.start_mark.column, key.end_mark.column
    written = here[start:end]
    if not (written.startswith(before.value) and written.endswith(key.value)
            and "," in written[len(before.value):len(written) - len(key.value)]):
        return f"{before.value}, {key.value}"
    return written


class _Builder:
    def __init__(self, loader: Any, located: Located, text: str = "") -> None:
        self.loader = loader
        self.located = located
        self.lines = text.splitlines()
        #: values built again through an alias (bounded by MAX_NODES)
        self.repeated = 0
        #: the nodes built once: building one again is an alias repeating it
        self.seen: set[int] = set()
        self.depth = 0
        #: (tag, text) -> value, for scalars other than text: the same text gives the same
        #: (immutable) value
        self.constructed: dict[tuple[str, str], Any] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.depth += 1
        try:
            return self._build(node, path)
        finally:
            self.depth -= 1

    def _build(self, node: yaml.Node, path: Path_) -> Any:
        if self.depth > MAX_DEPTH:
            line, column = _mark(node)
            raise SpecError(Problem(_TOO_DEEP, self.located.file, line, column))
        tag = node.tag
        scalar = isinstance(node, yaml.ScalarNode)
        if not scalar and tag not in _COLLECTIONS:
            line, column = _mark(node)
            raise SpecError(Problem(_refused(tag), self.located.file, line, column))
        if id(node) in self.seen:  # an alias (or a merge key) repeating it
            self.repeated += 1
            if self.repeated > MAX_NODES:
                line, column = _mark(node)
                raise SpecError(Problem(
                    f"the document expands to more than {MAX_NODES:,} values (aliases "
                    "that repeat each other?); simplify it",
                    self.located.file, line, column))
        else:
            self.seen.add(id(node))
        start = node.start_mark
        located = self.located
        if path not in located.values:
            located.values[path] = (start.line + 1, start.column + 1)
        if not scalar:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        value, style = node.value, node.style
        if path not in located.scalars:
            located.scalars[path] = value
        end = node.end_mark
        quoted = 1 if style == "'" or style == '"' else 0
        if ((quoted or not style) and start.line == end.line
                and end.column - start.column == len(value) + 2 * quoted
                and path not in located.text_starts):
            located.text_starts[path] = (start.line + 1, start.column + 1 + quoted)
        if tag == _STR or tag in _AS_TEXT:
            return value
        if tag not in _PLAIN:
            line, column = _mark(node)
            raise SpecError(Problem(_refused(tag), self.located.file, line, column))
        known = self.constructed.get((tag, value), _NOT_YET)
        if known is not _NOT_YET:
            return known
        try:
            built = self.constructed[tag, value] = self.loader.construct_object(node, deep=True)
            return built
        except yaml.MarkedYAMLError as exc:
            raise SpecError(_syntax_problem(exc, self.located.file)) from None
        except (ValueError, OverflowError) as exc:  # a timestamp such as 2023-13-45
            line, column = _mark(node)
            kind = node.tag.rsplit(":", 1)[-1]
            what = "a date" if kind == "timestamp" else f"a {kind}"
            raise SpecError(Problem(
                f"'{node.value}' looks like {what} but is not one ({exc}); correct it, or put "
                "it in quotes if it is text", self.located.file, line, column)) from None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Hashable, Any]:
        own: dict[Hashable, Any] = {}
        merged: dict[Hashable, Any] = {}  # from merge keys (<<): the mapping's own keys win
        first_seen: dict[Hashable, tuple[int, int]] = {}
        merge_at: tuple[int, int] | None = None  # where the mapping's `<<` is
        scratch: Located | None = None  # the positions inside what `<<` merges
        before: yaml.Node | None = None  # the previous value, in a flow mapping
        for key_node, value_node in node.value:
            cut = _cut_text(self.lines, before, key_node, value_node) if before else ""
            before = value_node if node.flow_style else None
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, column = _mark(key_node)
                if merge_at is not None:
                    self.problems.append(Problem(
                        f"duplicate key '<<' (first at line {merge_at[0]}); YAML would "
                        "silently keep only the last one: merge several mappings with one "
                        "key, <<: [*first, *second]", self.located.file, line, column))
                    continue
                merge_at = (line, column)
                merged, scratch = self._merge(value_node, path)
                continue
            key = self.build(key_node, (*path, "<key>"))
            line, column = _mark(key_node)
            if isinstance(key, (list, dict)):
                self.problems.append(Problem("a mapping key must be a plain value",
                                             self.located.file, line, column))
                continue
            if not isinstance(key, (str, int)):
                key = str(key)
            if key in own:
                self.problems.append(Problem(
                    f"duplicate key '{key}' (first at line {first_seen[key][0]}); "
                    "YAML would silently keep only the last one: remove or rename one",
                    self.located.file, line, column))
                continue
            first_seen[key] = (line, column)
            child = (*path, key)
            self.located.keys[child] = (line, column)
            if cut:
                self.located.cut_texts[child] = cut
            own[key] = self.build(value_node, child)
        if not merged or scratch is None or merge_at is None:
            return own
        taken = {k: v for k, v in merged.items() if k not in own}
        self._place(scratch, path, taken, merge_at)
        return {**taken, **own}

    def _merge(self, node: yaml.Node, path: Path_) -> tuple[dict[Hashable, Any], Located]:
        """The mapping(s) a merge key `<<` names, earlier ones winning as YAML says, and
        their positions (kept apart: the mapping's own keys win over them)."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out: dict[Hashable, Any] = {}
        outer, scratch = self.located, Located(data=None, file=self.located.file)
        self.located = scratch
        try:
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    line, column = _mark(source)
                    raise SpecError(Problem("'<<' merges mappings only: give it an alias of "
                                            "a mapping (<<: *defaults) or a list of them",
                                            outer.file, line, column))
                for name, value in self.build(source, path).items():
                    out.setdefault(name, value)
        finally:
            self.located = outer
        return out, scratch

    def _place(self, scratch: Located, path: Path_, taken: dict[Hashable, Any],
               merge_at: tuple[int, int]) -> None:
        """Copy the positions of the merged keys in `taken` (those the mapping does not
        set itself) from `scratch`, and remember the `<<` that brought each in."""
        depth = len(path)
        located = self.located

        def ours(where: Path_) -> bool:
            return len(where) > depth and where[depth] in taken

        for mine, theirs in ((located.values, scratch.values), (located.keys, scratch.keys)):
            for where, position in theirs.items():
                if ours(where):
                    mine.setdefault(where, position)
        for where, text in scratch.scalars.items():
            if ours(where):
                located.scalars.setdefault(where, text)
        for name in taken:  # merges nested inside lie under these: this `<<` is outermost
            if isinstance(name, (str, int)):  # every key is (see `_mapping`)
                located.merges[(*path, name)] = merge_at
