"""The targeted-poverty pack (TP): national targeted poverty alleviation (精准扶贫).

Registration of poor households and villages (2014), stationed assistance (work teams and
responsible persons), and the exit mechanism (April 2016) for households, villages and
counties; the catalogue is the TP table of "more-packs". Two rules are the county plan's
duties under national law and defer to them on the same subject when both packs run: TP403
to CP109 (a poor village's work team), TP405 to CP110 (a poor household's responsible
person). The columns the rules read are optional (``LAW_COLUMNS``): where they are empty a
rule has nothing to judge, never a failure.

One module per rule, named by its code and name (``tp401_registered_above_poverty_line``),
found and imported here; the pack, its parameters, scopes and shared helpers are in
``_pack``. The pack is not run by default: name it (``packs=["targeted-poverty"]``).
"""

from reliefkit.rules._discover import import_rule_modules
from reliefkit.rules.targeted_poverty._pack import CAMPAIGN, PACK, WORK_TEAMS

import_rule_modules(__name__, __path__, PACK)

__all__ = ["CAMPAIGN", "PACK", "WORK_TEAMS"]
