"""The donations-law pack (PW): the Public Welfare Donations Law (1999) and the Charity Law (2016).

Source: the Public Welfare Donations Law (公益事业捐赠法, in force from 1999-09-01), the
Charity Law (慈善法, from 2016-09-01), the Foundation Regulations (基金会管理条例, from
2004-06-01) and the civil affairs ministry's 2016 rules on charities' spending; the catalogue
is "Pack PW" of ``more-packs.md``. Law is judged at the date of the acts: each clause carries
its era, and the Charity Law's rules (PW207–PW210) judge only acts from 2016-09-01. Where the
county plan reports the same problem on the same subject, the rule defers to it (PW201 to
CP123, PW203 to CP115 and CP122). One module per rule, named by its code and name
(``pw201_apportioned_giving``), found and imported here; the pack, its parameters and shared
helpers are in ``_pack``.
"""

from reliefkit.rules._discover import import_rule_modules
from reliefkit.rules.public_welfare._pack import PACK

import_rule_modules(__name__, __path__, PACK)

__all__ = ["PACK"]
