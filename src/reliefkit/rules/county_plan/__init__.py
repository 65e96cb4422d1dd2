"""The county-plan pack (CP): a county's 2015 work plan for Poverty Alleviation Day.

Source: a Chongqing county's work plan for the 2nd Poverty Alleviation Day (扶贫日) and the
23rd International Day for the Eradication of Poverty, 2015; the clause catalogue is
"county-plan". One module per rule, named by its code and name
(``cp101_cross_township_solicitation``); the pack, its parameters and shared helpers are in
``_pack``.
"""

from reliefkit.rules.county_plan import (  # noqa: F401  (each module registers its rule)
    cp101_cross_township_solicitation,
    cp102_duplicate_solicitation,
    cp103_activity_outside_township,
    cp104_missing_work_plan,
    cp105_main_leader_absent_from_ceremony,
    cp106_late_ceremony,
    cp107_ceremony_not_in_populous_seat,
    cp108_leader_visit_missing,
    cp109_poor_village_without_work_team,
    cp110_poor_household_without_responsible_person,
    cp111_poor_village_without_exit_plan,
    cp112_purpose_not_poverty_relief,
    cp113_pays_government_obligation,
    cp114_pays_other_expenses,
    cp115_designation_not_honoured,
    cp116_pledge_to_unpublished_project,
    cp117_no_honour_badge,
    cp118_fund_not_audited,
    cp119_disbursement_not_targeted,
    cp120_training_not_free,
    cp121_notable_gift_outside_hometown,
    cp122_fund_overspent,
    cp123_solicitation_with_quota,
    cp124_tour_visits_no_poor,
)
from reliefkit.rules.county_plan._pack import GOVERNMENT, OTHER_EXPENSES, PACK, PERMITTED

__all__ = ["GOVERNMENT", "OTHER_EXPENSES", "PACK", "PERMITTED"]
