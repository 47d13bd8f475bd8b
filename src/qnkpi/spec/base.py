"""The building blocks of every spec model: the base class and the types of keys.

[`Model`][qnkpi.spec.models.Model] is the base of every model of the spec format (a
plugin's too); [`Name`][qnkpi.spec.models.Name], [`Code`][qnkpi.spec.models.Code],
[`RelPath`][qnkpi.spec.models.RelPath] and [`Text`][qnkpi.spec.models.Text] type their
keys. All are importable from `qnkpi.spec.models`, where plugin authors find them.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    model_validator,
)

__all__ = ["Code", "Model", "Name", "NfcText", "Op", "RelPath", "Text"]


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


Op = Literal[">", ">=", "<", "<=", "==", "between"]
"""A comparison operator of a target or rule."""

Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
"""The name of a source, measure or indicator: a letter or `_`, then letters, digits and
`_` (`youth_reached_pct`). Type a key of a kind or source that names a measure or an
indicator as `Name`."""

NfcText = Annotated[str, AfterValidator(_nfc)]
"""Text compared after Unicode NFC normalisation ("Hạ Long" typed either way is one
name)."""

def _unpadded(value: str) -> str:
    if value != value.strip():
        raise ValueError(f"the code {value!r} has spaces at its start or end; remove them "
                         f"('{value.strip()}'): codes are matched exactly")
    return value


Code = Annotated[str, Strict(), Field(min_length=1), AfterValidator(_unpadded),
                 AfterValidator(_nfc)]
"""A unit code: non-empty text without spaces at its start or end, NFC-normalised. A
number is refused, because YAML reads `06652` unquoted as the number 6652: codes must be
quoted."""


class Model(BaseModel):
    """Base of every spec model: frozen (instances cannot be changed), an unknown key is
    an error, and a number must be finite: `.nan`, `.inf` or `1e400` in any numeric key
    (of a plugin's model too) is an error, never a value a verdict is computed from."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _resolve(path: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    if base is not None and not path.is_absolute():
        return Path(base) / path
    return path


RelPath = Annotated[Path, AfterValidator(_resolve)]
"""A path written in a spec. A relative path resolves against the spec file's folder (the
loader's `base_dir`), so a source reads `self.path` as it is. Nothing is checked when the
spec is loaded, so it may be a file that does not exist yet, or a glob pattern
(`forms/*.xlsx`) that the source expands itself."""


class Text(Model):
    """Text in Vietnamese and English, such as a title.

    A spec writes either a mapping (`{vi: ..., en: ...}`) or a plain string, which is
    then the text in both languages. Either language may be missing; it falls back to
    the other.

    Attributes:
        vi: The Vietnamese text, or `None`.
        en: The English text, or `None`.
    """

    vi: str | None = None
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"vi": data, "en": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        return {"anyOf": [{"type": "string", "description": "the same text in every "
                           "language"}, schema]}

    def get(self, lang: str = "en") -> str:
        """The text in one language, falling back to the other.

        Args:
            lang: `"vi"` or `"en"`; any other value reads as `"en"`.

        Returns:
            The text in `lang`, else the text in the other language, else `""`.
        """
        first, second = (self.vi, self.en) if lang == "vi" else (self.en, self.vi)
        return first or second or ""
