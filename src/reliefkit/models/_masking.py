"""The masking helpers under their ``reliefkit.models`` names.

The one implementation is :mod:`reliefkit._privacy` (the boundary every output calls); this
module only re-exports it for the model layer's facade.
"""

from __future__ import annotations

from reliefkit._privacy import (
    RESIDENT_ID_LIKE,
    mask_name,
    mask_name_repr,
    mask_resident_id,
    mask_resident_id_repr,
    mask_resident_ids,
    mask_resident_ids_in,
    mask_text_repr,
)

__all__ = [
    "RESIDENT_ID_LIKE",
    "mask_name",
    "mask_name_repr",
    "mask_resident_id",
    "mask_resident_id_repr",
    "mask_resident_ids",
    "mask_resident_ids_in",
    "mask_text_repr",
]
