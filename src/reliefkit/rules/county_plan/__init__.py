"""The county-plan pack (CP): a county's 2015 work plan for Poverty Alleviation Day.

Source: a Chongqing county's work plan for the 2nd Poverty Alleviation Day (扶贫日) and the
23rd International Day for the Eradication of Poverty, 2015; the clause catalogue is
"county-plan". One module per rule, named by its code and name
(``cp101_cross_township_solicitation``), found and imported here, so adding a rule is adding
its module; the pack, its parameters and shared helpers are in ``_pack``.
"""

from reliefkit.rules._discover import import_rule_modules
from reliefkit.rules.county_plan._pack import GOVERNMENT, OTHER_EXPENSES, PACK, PERMITTED

import_rule_modules(__name__, __path__, PACK)

__all__ = ["GOVERNMENT", "OTHER_EXPENSES", "PACK", "PERMITTED"]
