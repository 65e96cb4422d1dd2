"""The fiscal-funds pack (FF): the fiscal poverty-relief fund measures of 2011 and 2017.

Sources: 财农〔2011〕412号 (in force 2012-01-01 to 2016-12-31), 财农〔2017〕8号 (from
2017-01-01) and the Audit Law; the catalogue is pack FF of "more-packs". It applies when a
program also spends fiscal money: a fund counts as fiscal only when its ``fiscal`` column
says so, and with no fiscal fund FF301–FF303 have nothing to judge. Acts are judged by the
regime of their day (a 2016 disbursement by the 2011 negative list, a 2017 one by the 2017
list). FF304 defers to the county plan's CP118 on the same fund.

One module per rule, named by its code and name (``ff301_negative_list_spending``), found and
imported here; the pack, its parameters, scopes and shared helpers are in ``_pack``. The pack
is not in the default registry: register it, or name it (``packs=["fiscal-funds"]``) in a
registry that holds it.
"""

from reliefkit.rules._discover import import_rule_modules
from reliefkit.rules.fiscal_funds._pack import NEGATIVE_2011, NEGATIVE_2017, PACK

import_rule_modules(__name__, __path__, PACK)

__all__ = ["NEGATIVE_2011", "NEGATIVE_2017", "PACK"]
