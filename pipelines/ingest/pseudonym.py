"""Keyed pseudonyms computed inside DuckDB, so personnummer never leave the SQL engine.

HMAC-SHA256 (RFC 2104) built from DuckDB's `sha256` over BLOBs: the padded key is XORed
with 0x36/0x5c here, once, and passed to the query as parameters `$ipad` and `$opad`.
Delivered text is redacted in SQL by `personnummer_sql.redact_sql`, which validates each
number; `redact_text` is the blunt Python fallback for the few texts built outside DuckDB.
"""

from __future__ import annotations

import hashlib
import re

BLOCK_SIZE = 64

# Personnummer-like digit runs (YYYYMMDD-NNNN, YYMMDD+NNNN, ...), for redacting messages.
PERSONNUMMER_LIKE = r"(\d{2})?\d{6}\s?[-+]?\s?\d{4}"
REDACTED = "[personnummer borttaget]"


def hmac_pads(key: bytes) -> dict[str, bytes]:
    """The inner and outer HMAC pads of `key`, named as the SQL expects them."""
    if len(key) > BLOCK_SIZE:
        key = hashlib.sha256(key).digest()
    padded = key.ljust(BLOCK_SIZE, b"\0")
    return {
        "ipad": bytes(byte ^ 0x36 for byte in padded),
        "opad": bytes(byte ^ 0x5C for byte in padded),
    }


def hmac_sql(message: str, ipad: str = "$ipad", opad: str = "$opad") -> str:
    """SQL for the lowercase hex HMAC-SHA256 of the ASCII text expression `message`, with
    the pads given as query parameters (or as a macro's arguments)."""
    return f"sha256({opad}::BLOB || unhex(sha256({ipad}::BLOB || ({message})::BLOB)))"


def redact_text(text: str) -> str:
    """Every personnummer-like run of a message or file name blanked, valid or not.

    Error messages and file names are not data: blanking an innocent number there costs
    nothing, so no check digit is asked for.
    """
    return re.sub(PERSONNUMMER_LIKE, REDACTED, text)
