"""The example county plan (example county 方案): a reliefkit rule pack, prefix XCP.

One module per rule, named by its code and name (``xcp101_solicitation_on_a_rest_day``), found and imported here:
adding a rule is adding its module. The pack, its source and its parameters are in ``_pack``.
"""

from reliefkit.rules import import_rule_modules

from reliefkit_pack_example_county._pack import PACK

import_rule_modules(__name__, __path__, PACK)

__all__ = ["PACK"]
