# The records are built from ISO date strings, enum values and amounts as text, which the
# models' converters accept at run time; mypy's attrs plugin only sees the converted types.
# mypy: disable-error-code="arg-type"
"""The example campaign: a fictional Chongqing county's Poverty Alleviation Day 2015.

A seeded generator, not hand-written data: ``county_2015(seed=…, scale=…)`` builds the same
campaign for the same arguments on every machine. The campaign keeps every rule of the county
plan except for a few deliberate violations (:data:`DELIBERATE_VIOLATIONS`), placed on records
whose ids do not depend on the seed, so that the main job has something to show.

``scale`` multiplies the county (townships, villages, households, funds, …) for benchmarks;
the deliberate violations stay the same eight.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from reliefkit.examples._names import DEPARTMENTS, Namer, resident_id
from reliefkit.exceptions import InvalidValueError
from reliefkit.models import (
    Activity,
    Audit,
    Campaign,
    Dataset,
    Department,
    Disbursement,
    Donation,
    Donor,
    ExitPlan,
    Fund,
    Household,
    Money,
    Pairing,
    Person,
    Pledge,
    Project,
    Solicitation,
    Township,
    Village,
    Waiver,
    WorkPlan,
    WorkTeam,
)

BLOCK = 22
"""Townships per unit of ``scale``: the example county has 22."""

FUNDS_PER_BLOCK = 3

PROJECT_PURPOSES = (
    ("infrastructure", "通组公路"),
    ("infrastructure", "人饮工程"),
    ("industry", "特色种植基地"),
    ("industry", "生态养殖场"),
    ("housing", "危旧房改造"),
    ("education_aid", "村小学改造"),
    ("medical_aid", "村卫生室"),
    ("technical_services", "农技服务站"),
)
SOCIETIES = ("县青年商会", "县慈善基金会", "县农业产业协会")
HOUSEHOLD_PURPOSES = (
    "education_aid",
    "medical_aid",
    "hardship_relief",
    "housing",
    "elderly_support",
    "disability_support",
)


@dataclass(frozen=True)
class DeliberateViolation:
    """A problem planted in the example on purpose: the finding ``check`` must report."""

    code: str
    subjects: tuple[str, ...]
    what: str
    what_zh: str


DELIBERATE_VIOLATIONS: tuple[DeliberateViolation, ...] = (
    DeliberateViolation(
        "CP101",
        ("S-T05-99", "T05", "T09"),
        "Township T05's donation drive solicits township T09; the two are not paired.",
        "T05 镇的募捐活动向非结对的 T09 乡募捐。",
    ),
    DeliberateViolation(
        "CP106",
        ("T12", "CE-T12"),
        "Township T12 holds its ceremony on 20 October, after Poverty Alleviation Day.",
        "T12 乡的扶贫日纪念活动仪式在 10 月 20 日举行，晚于扶贫日。",
    ),
    DeliberateViolation(
        "CP109",
        ("V07-01",),
        "Poor village V07-01 has no work team during the campaign.",
        "贫困村 V07-01 在活动期间没有驻村工作队。",
    ),
    DeliberateViolation(
        "CP110",
        ("H03-01-01",),
        "Registered poor household H03-01-01 has no responsible person.",
        "建档立卡贫困户 H03-01-01 没有帮扶责任人。",
    ),
    DeliberateViolation(
        "CP114",
        ("B-F01-901",),
        "Disbursement B-F01-901 pays for meals out of fund F01.",
        "支出 B-F01-901 用募集资金支付餐饮费用。",
    ),
    DeliberateViolation(
        "CP118",
        ("F03", "A-F03"),
        "The audit A-F03 of fund F03 records received money ¥500 above the ledger.",
        "F03 资金的审计 A-F03 记录的收入比台账多 500 元。",
    ),
    DeliberateViolation(
        "CP108",
        ("LV-09",),
        "Leader visit LV-09 is led by a township cadre, not by a county leader.",
        "访贫慰问 LV-09 由乡镇干部而非县领导带队。",
    ),
    DeliberateViolation(
        "CP117",
        ("DN-E-T02-1", "E-T02-1"),
        "Donation DN-E-T02-1, made in township T02's drive, received no honour badge.",
        "在 T02 镇募捐活动中的捐赠 DN-E-T02-1 未颁发荣誉标识。",
    ),
)
"""The example's planted problems, in the order ``examples/README.md`` lists them."""

DELIBERATE_WAIVERS: tuple[tuple[str, str], ...] = (("CP111", "V05-01"),)
"""(code, subject) pairs the example's leading group has waived: reported as waived."""

# The records the violations are planted on (their ids do not depend on the seed).
_LATE_CEREMONY = 12
_NO_TEAM_VILLAGE = "V07-01"
_NO_PERSON_HOUSEHOLD = "H03-01-01"
_WAIVED_VILLAGE = "V05-01"
_MEALS_VILLAGE = _NO_TEAM_VILLAGE
_BAD_AUDIT_FUND = "F03"


def _fen(rng: random.Random, low: int, high: int, step: int = 100) -> int:
    """An amount in fen between ``low`` and ``high`` yuan, a multiple of ``step`` yuan."""
    return rng.randrange(low // step, high // step + 1) * step * 100


def _day(month: int, day: int) -> str:
    return f"2015-{month:02d}-{day:02d}"


@dataclass
class _Township:
    """What the generator remembers about a township while it builds."""

    id: str
    name: str
    fund: str
    cadres: list[str]
    villages: list[Village] = field(default_factory=list)
    poor_households: dict[str, list[str]] = field(default_factory=dict)
    projects: list[Project] = field(default_factory=list)


class _County:
    """Builds the campaign table by table; ``tables`` holds the records."""

    def __init__(self, seed: int, scale: int) -> None:
        # InvalidValueError (a ValueError) is bad input to the command line: exit 2, no traceback.
        if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
            raise InvalidValueError(f"scale={scale!r}: expected a whole number of at least 1")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InvalidValueError(f"seed={seed!r}: expected a whole number")
        self.rng = random.Random(seed)
        self.names = Namer(self.rng)
        self.scale = scale
        self.tables: dict[str, list[Any]] = defaultdict(list)
        self.towns: list[_Township] = []
        self.fund_ids = [f"F{i:02d}" for i in range(1, FUNDS_PER_BLOCK * scale + 1)]
        self.pledged: dict[str, int] = {}  # project → pledged amount in fen
        self.dep_names = {d: name for d, name, _ in DEPARTMENTS}

    def add(self, table: str, record: Any) -> Any:
        self.tables[table].append(record)
        return record

    def tid(self, number: int) -> str:
        return f"T{number:02d}"  # T01 … T99, then T100 …: the same ids at any scale

    # -- units and people -------------------------------------------------------------------
    def units(self) -> None:
        for dep_id, name, sector in DEPARTMENTS:
            self.add("departments", Department(id=dep_id, name=name, sector=sector))
            self.add(
                "people",
                Person(
                    id=f"C-{dep_id}-1",
                    name=self.names.person(),
                    unit_id=dep_id,
                    role="auditor" if dep_id == "AU" else "cadre",
                ),
            )
        for n in range(1, 7):
            self.add(
                "people",
                Person(id=f"L{n}", name=self.names.person(), unit_id="LG", role="county_leader"),
            )
        for n in range(1, BLOCK * self.scale + 1):
            t_id = self.tid(n)
            stem = self.names.place()
            kind = "subdistrict" if n <= 2 else self.rng.choice(("town", "township"))
            name = stem + {"subdistrict": "街道", "town": "镇", "township": "乡"}[kind]
            self.add(
                "townships", Township(id=t_id, name=name, kind=kind, main_leader_id=f"P-{t_id}")
            )
            self.add(
                "people",
                Person(
                    id=f"P-{t_id}",
                    name=self.names.person(),
                    unit_id=t_id,
                    role="township_main_leader",
                ),
            )
            cadres = [f"C-{t_id}-{i}" for i in range(1, self.rng.randint(2, 4) + 1)]
            for c in cadres:
                self.add(
                    "people", Person(id=c, name=self.names.person(), unit_id=t_id, role="cadre")
                )
            block = (n - 1) // BLOCK
            fund = self.fund_ids[block * FUNDS_PER_BLOCK + (n - 1) % FUNDS_PER_BLOCK]
            self.towns.append(_Township(id=t_id, name=name, fund=fund, cadres=cadres))
            self.add(
                "work_plans",
                WorkPlan(
                    township_id=t_id,
                    responsible_person_id=f"P-{t_id}",
                    tasks=self.rng.randint(3, 9),
                ),
            )
        line = [d for d, _, sector in DEPARTMENTS if sector not in ("leading_group", "audit")]
        for i, town in enumerate(self.towns):
            self.add(
                "pairings",
                Pairing(department_id=line[i % len(line)], partner_id=town.id, since="2014-03-01"),
            )

    # -- villages, households, teams, plans ------------------------------------------------
    def villages(self) -> None:
        forced_poor = {_NO_TEAM_VILLAGE, _WAIVED_VILLAGE}
        line = [d for d, _, sector in DEPARTMENTS if sector not in ("leading_group", "audit")]
        for t_index, town in enumerate(self.towns):
            for v in range(1, self.rng.randint(6, 9) + 1):
                v_id = f"V{town.id[1:]}-{v:02d}"
                poor = v_id in forced_poor or self.rng.random() < 0.34
                village = self.add(
                    "villages",
                    Village(
                        id=v_id, name=self.names.place() + "村", township_id=town.id, poor=poor
                    ),
                )
                town.villages.append(village)
                self.households(town, village)
                if not poor:
                    continue
                if v_id != _NO_TEAM_VILLAGE:
                    dept = line[(t_index + v) % len(line)]
                    start = _day(self.rng.randint(1, 6), 1)
                    self.add(
                        "work_teams",
                        WorkTeam(
                            id=f"W-{v_id}",
                            village_id=v_id,
                            dispatched_by=dept,
                            leader_id=f"C-{dept}-1",
                            members=self.rng.randint(2, 5),
                            starts_on=start,
                            ends_on=self.rng.choice((None, "2016-12-31", "2017-12-31")),
                        ),
                    )
                if v_id != _WAIVED_VILLAGE:
                    self.add(
                        "exit_plans",
                        ExitPlan(village_id=v_id, adopted_on=_day(self.rng.randint(3, 8), 28)),
                    )
                self.projects(town, village)

    def households(self, town: _Township, village: Village) -> None:
        share = 0.36 if village.poor else 0.07
        poor_ids = town.poor_households.setdefault(village.id, [])
        for h in range(1, self.rng.randint(18, 24) + 1):
            h_id = f"H{village.id[1:]}-{h:02d}"
            forced = h_id == _NO_PERSON_HOUSEHOLD
            registered = forced or self.rng.random() < share
            year, month, day = (
                self.rng.randint(*span) for span in ((1940, 1990), (1, 12), (1, 28))
            )
            born = f"{year}{month:02d}{day:02d}"
            self.add(
                "households",
                Household(
                    id=h_id,
                    village_id=village.id,
                    head_name=self.names.person(),
                    resident_id=resident_id("500299", born, self.rng.randint(0, 999)),
                    members=self.rng.randint(1, 6),
                    registered_poor=registered,
                    responsible_person_id=None
                    if forced or not registered
                    else self.rng.choice(town.cadres),
                ),
            )
            if registered:
                poor_ids.append(h_id)

    def projects(self, town: _Township, village: Village) -> None:
        for j in range(1, self.rng.randint(1, 2) + 1):
            purpose, label = self.rng.choice(PROJECT_PURPOSES)
            project = self.add(
                "projects",
                Project(
                    id=f"J{village.id[1:]}-{j}",
                    name=f"{village.name}{label}",
                    purpose=purpose,
                    village_id=village.id,
                    published_on=_day(9, self.rng.randint(10, 25)),
                ),
            )
            town.projects.append(project)

    # -- activities ---------------------------------------------------------------------------
    def ceremonies(self) -> None:
        for n, town in enumerate(self.towns, start=1):
            on = _day(10, 20) if n == _LATE_CEREMONY else _day(10, self.rng.randint(10, 17))
            leader = f"P-{town.id}"
            led_by, participants = (
                (leader, (town.cadres[0],))
                if self.rng.random() < 0.6
                else (
                    self.rng.choice(("L1", "L2", "L3", "L4", "L5", "L6")),
                    (leader, town.cadres[0]),
                )
            )
            self.add(
                "activities",
                Activity(
                    id=f"CE-{town.id}",
                    kind="ceremony",
                    organizer_id=town.id,
                    township_id=town.id,
                    on=on,
                    place=f"{town.name[:-1]}场镇文化广场",
                    populous=True,
                    in_seat=True,
                    led_by=led_by,
                    participants=participants,
                ),
            )

    def visits_and_tours(self) -> None:
        with_poor = [t for t in self.towns if any(v.poor for v in t.villages)]
        for n in range(1, 9):
            town = with_poor[(n * 5) % len(with_poor)]
            village = next(v for v in town.villages if v.poor)
            homes = town.poor_households.get(village.id, [])[:2]
            self.add(
                "activities",
                Activity(
                    id=f"LV-{n:02d}",
                    kind="leader_visit",
                    organizer_id="LG",
                    township_id=town.id,
                    on=_day(10, self.rng.randint(12, 18)),
                    led_by=f"L{(n - 1) % 6 + 1}",
                    villages=(village.id,),
                    households=tuple(homes),
                ),
            )
        bad = self.towns[8]  # T09: a visit led by its own cadre (CP108)
        self.add(
            "activities",
            Activity(
                id="LV-09",
                kind="leader_visit",
                organizer_id="LG",
                township_id=bad.id,
                on=_day(10, 15),
                led_by=bad.cadres[0],
                villages=tuple(v.id for v in bad.villages if v.poor)[:1],
            ),
        )
        for i, (dep_id, _, sector) in enumerate(DEPARTMENTS[2:9], start=1):
            town = with_poor[(i * 3) % len(with_poor)]
            self.add(
                "activities",
                Activity(
                    id=f"IT-{dep_id}",
                    kind="inspection_tour",
                    organizer_id=dep_id,
                    township_id=town.id,
                    on=_day(10, self.rng.randint(8, 16)),
                    villages=tuple(v.id for v in town.villages if v.poor)[:2],
                ),
            )
            if sector == "human_resources":
                self.add(
                    "activities",
                    Activity(
                        id=f"VT-{dep_id}",
                        kind="vocational_training",
                        organizer_id=dep_id,
                        township_id=town.id,
                        on=_day(10, 22),
                        place="县职教中心",
                        fee=self.rng.choice(("0", None)),
                    ),
                )
            if sector == "health":
                self.add(
                    "activities",
                    Activity(
                        id=f"SR-{dep_id}",
                        kind="sector_relief",
                        organizer_id=dep_id,
                        township_id=town.id,
                        on=_day(10, 16),
                        place="乡镇卫生院",
                    ),
                )

    # -- donors, drives, solicitations, pledges, donations -----------------------------------
    def giving(self) -> None:
        departments = [d for d, _, sector in DEPARTMENTS if sector != "audit"]
        paired_first: set[str] = set()
        for town in self.towns:
            self.township_drive(town, paired_first)
        for i, dep_id in enumerate(departments):
            self.department_drive(dep_id, self.fund_ids[i % len(self.fund_ids)], i)

    def township_drive(self, town: _Township, paired_first: set[str]) -> None:
        rng = self.rng
        drive = self.add(
            "activities",
            Activity(
                id=f"DR-{town.id}",
                kind="donation_drive",
                organizer_id=town.id,
                township_id=town.id,
                on=_day(9, rng.randint(25, 30)),
                place=f"{town.name}政府",
            ),
        )
        asks: list[tuple[str, int]] = []  # (target, amount in fen; 0 when the target gives nothing)
        staff = self.add(
            "donors",
            Donor(
                id=f"K-{town.id}", name=f"{town.name}机关干部职工", kind="cadre", unit_id=town.id
            ),
        )
        asks.append((staff.id, _fen(rng, 3000, 20000, 50) + rng.choice((0, 50))))
        for e in range(1, rng.randint(1, 4) + 1):
            donor = self.add(
                "donors",
                Donor(
                    id=f"E-{town.id}-{e}",
                    name=self.names.enterprise(town.name[:2]),
                    kind="private_enterprise",
                    publicity_consent=True,
                ),
            )
            asks.append((donor.id, _fen(rng, 5000, 100000, 5000)))
        for r in range(1, rng.randint(2, 5) + 1):
            donor = self.add(
                "donors",
                Donor(
                    id=f"R-{town.id}-{r}",
                    name=self.names.person(),
                    kind="resident",
                    publicity_consent=rng.random() < 0.5,
                ),
            )
            asks.append((donor.id, _fen(rng, 100, 2000, 50)))
        pairing = next(p for p in self.tables["pairings"] if p.partner_id == town.id)
        if pairing.department_id not in paired_first:
            paired_first.add(pairing.department_id)
            asks.append((pairing.department_id, 0))
        for k, (target, amount) in enumerate(asks, start=1):
            self.add(
                "solicitations",
                Solicitation(
                    id=f"S-{town.id}-{k:02d}",
                    activity_id=drive.id,
                    organizer_id=town.id,
                    target_id=target,
                    on=drive.on,
                ),
            )
            if amount:
                self.donate(target, town.fund, amount, drive, town)
        if town.id == "T05":  # CP101: a township asks another township
            self.add(
                "solicitations",
                Solicitation(
                    id="S-T05-99",
                    activity_id=drive.id,
                    organizer_id="T05",
                    target_id="T09",
                    on=_day(10, 8),
                ),
            )
        # Residents who give without being asked, and local notables coming home.
        for r in range(1, rng.randint(0, 2) + 1):
            donor = self.add(
                "donors", Donor(id=f"R-{town.id}-9{r}", name=self.names.person(), kind="resident")
            )
            self.donate(donor.id, town.fund, _fen(rng, 50, 500, 10), None, town)
        if rng.random() < 0.4 and town.projects:
            home = self.add(
                "activities",
                Activity(
                    id=f"HR-{town.id}",
                    kind="hometown_return",
                    organizer_id=town.id,
                    township_id=town.id,
                    on=_day(10, rng.randint(1, 7)),
                    place=f"{town.name}会议室",
                ),
            )
            for m in range(1, rng.randint(1, 2) + 1):
                donor = self.add(
                    "donors",
                    Donor(
                        id=f"M-{town.id}-{m}",
                        name=self.names.person(),
                        kind="local_notable",
                        home_township_id=town.id,
                        publicity_consent=True,
                    ),
                )
                self.donate(
                    donor.id, town.fund, _fen(rng, 10000, 200000, 10000), home, town, directed=True
                )

    def department_drive(self, dep_id: str, fund: str, index: int) -> None:
        drive = self.add(
            "activities",
            Activity(
                id=f"DR-{dep_id}",
                kind="donation_drive",
                organizer_id=dep_id,
                on=_day(10, self.rng.randint(8, 14)),
                place="机关大院",
            ),
        )
        staff = self.add(
            "donors",
            Donor(
                id=f"K-{dep_id}",
                name=f"{self.dep_names[dep_id]}干部职工",
                kind="cadre",
                unit_id=dep_id,
            ),
        )
        targets = [staff.id]
        if index < 3:  # the county's social organisations, each asked by one drive only
            org = self.add(
                "donors",
                Donor(id=f"O-{index + 1}", name=SOCIETIES[index], kind="social_organization"),
            )
            targets.append(org.id)
        for k, target in enumerate(targets, start=1):
            self.add(
                "solicitations",
                Solicitation(
                    id=f"S-{dep_id}-{k:02d}",
                    activity_id=drive.id,
                    organizer_id=dep_id,
                    target_id=target,
                    on=drive.on,
                ),
            )
            self.donate(target, fund, _fen(self.rng, 2000, 30000, 50), drive, None)

    def donate(
        self,
        donor: str,
        fund: str,
        amount: int,
        activity: Activity | None,
        town: _Township | None,
        *,
        directed: bool = False,
    ) -> None:
        rng = self.rng
        project: str | None = None
        village: str | None = None
        candidates = [p for p in town.projects if p.id not in self.pledged] if town else []
        on = activity.on.add(days=rng.randint(0, 10)) if activity else _day(10, rng.randint(1, 20))
        if directed and town is not None:
            if candidates and rng.random() < 0.7:
                project = rng.choice(candidates).id
            else:
                choices = [v.id for v in town.villages if v.poor and v.id != _MEALS_VILLAGE]
                village = rng.choice(choices) if choices else None
                project = (
                    None if village else (rng.choice(town.projects).id if town.projects else None)
                )
        elif donor.startswith("E-") and candidates and rng.random() < 0.4:
            project = rng.choice(candidates).id
        if project is not None and project not in self.pledged and donor.startswith("E-"):
            self.pledged[project] = amount
            self.add(
                "pledges",
                Pledge(
                    id=f"G{project[1:]}",
                    donor_id=donor,
                    project_id=project,
                    kind=rng.choice(("donate", "build")),
                    amount=Money.fen(amount),
                    on=_day(10, 1),
                ),
            )
        in_activity = activity is not None
        self.add(
            "donations",
            Donation(
                id=f"DN-{donor}",
                donor_id=donor,
                fund_id=fund,
                activity_id=activity.id if activity else None,
                amount=Money.fen(amount),
                goods="化肥、种苗（按评估价）"
                if donor.startswith("E-") and rng.random() < 0.15
                else None,
                on=on,
                designated_project_id=project,
                designated_village_id=village,
                badge=(donor != "E-T02-1") if in_activity else None,
                receipt=True,
            ),
        )

    # -- money out, audits, waivers ------------------------------------------------------------
    def spending(self) -> None:
        rng = self.rng
        poor_villages = [v for t in self.towns for v in t.villages if v.poor]
        homes = {
            v.id: h
            for t in self.towns
            for v, h in ((v, t.poor_households.get(v.id, [])) for v in t.villages)
        }
        projects = {p.id: p for t in self.towns for p in t.projects}
        donations: dict[str, list[Donation]] = defaultdict(list)
        for d in self.tables["donations"]:
            donations[d.fund_id].append(d)
        for fund_no, fund in enumerate(self.fund_ids):
            holder = "designated_account" if fund_no % FUNDS_PER_BLOCK == 2 else "charity"
            self.add(
                "funds",
                Fund(
                    id=fund,
                    name=("县慈善会扶贫日募集资金", "县红十字会扶贫捐赠", "县扶贫日捐赠专户")[
                        fund_no % FUNDS_PER_BLOCK
                    ],
                    holder=holder,
                ),
            )
            designated: dict[str, int] = defaultdict(int)
            pot = 0
            for d in donations[fund]:
                if d.designation:
                    designated[d.designation] += d.amount.in_fen
                else:
                    pot += d.amount.in_fen
            spent: list[Disbursement] = []
            for k, (target, total) in enumerate(sorted(designated.items()), start=1):
                amount = total if rng.random() < 0.6 else total * 9 // 10
                if target in projects:
                    fields: dict[str, Any] = {
                        "project_id": target,
                        "purpose": projects[target].purpose,
                    }
                else:
                    fields = {"village_id": target, "purpose": rng.choice(HOUSEHOLD_PURPOSES)}
                    if homes.get(target):
                        fields["household_id"] = rng.choice(homes[target])
                spent.append(
                    Disbursement(
                        id=f"B-{fund}-{k:03d}",
                        fund_id=fund,
                        amount=Money.fen(amount),
                        on=_day(11, rng.randint(1, 30)),
                        **fields,
                    )
                )
            budget = pot * 8 // 10
            from_pot = 0
            k = 500
            open_villages = [v for v in poor_villages if v.id not in designated]
            while budget > 200_000 and open_villages:
                amount = min(budget, _fen(rng, 2000, 30000, 100))
                village = rng.choice(open_villages)
                options = [
                    p
                    for p in projects.values()
                    if p.village_id == village.id and p.id not in designated
                ]
                if options and rng.random() < 0.5:
                    fields = {"project_id": options[0].id, "purpose": options[0].purpose}
                else:
                    fields = {"village_id": village.id, "purpose": rng.choice(HOUSEHOLD_PURPOSES)}
                    if homes.get(village.id):
                        fields["household_id"] = rng.choice(homes[village.id])
                spent.append(
                    Disbursement(
                        id=f"B-{fund}-{k:03d}",
                        fund_id=fund,
                        amount=Money.fen(amount),
                        on=_day(12, rng.randint(1, 10)),
                        **fields,
                    )
                )
                budget -= amount
                from_pot += amount
                k += 1
            if fund == "F01":  # CP114: meals paid out of raised money
                meals = 386_000
                if meals > pot - from_pot:
                    raise AssertionError("the example's fund F01 has too little undesignated money")
                spent.append(
                    Disbursement(
                        id="B-F01-901",
                        fund_id=fund,
                        amount=Money.fen(meals),
                        purpose="meals",
                        village_id=_MEALS_VILLAGE,
                        on=_day(11, 20),
                    )
                )
            for b in spent:
                self.add("disbursements", b)
            received = sum(d.amount.in_fen for d in donations[fund])
            paid = sum(b.amount.in_fen for b in spent)
            if fund == _BAD_AUDIT_FUND:
                received += 50_000
            self.add(
                "audits",
                Audit(
                    id=f"A-{fund}",
                    fund_id=fund,
                    auditor_id="AU",
                    on=_day(12, 20),
                    received_total=Money.fen(received),
                    disbursed_total=Money.fen(paid),
                ),
            )

    def waivers(self) -> None:
        self.add(
            "waivers",
            Waiver(
                code="CP111",
                subject_id=_WAIVED_VILLAGE,
                granted_by="LG",
                until="2016-06-30",
                reason="村界调整合并中，脱贫规划待合并后统一制定 (village merger pending; the exit "
                "plan follows the merger)",
            ),
        )


def county_2015(*, seed: int = 2015, scale: int = 1) -> Dataset:
    """The example campaign: a fictional Chongqing county's Poverty Alleviation Day 2015.

    ``seed`` varies names, amounts and sizes; ``scale`` multiplies the county (22 townships
    per unit). Every rule of the county plan holds except for :data:`DELIBERATE_VIOLATIONS`
    (and the waived :data:`DELIBERATE_WAIVERS`), whatever the seed and the scale.
    """
    county = _County(seed, scale)
    county.units()
    county.villages()
    county.ceremonies()
    county.visits_and_tours()
    county.giving()
    county.spending()
    county.waivers()
    campaign = Campaign(
        id="QS-2015",
        name="青山县2015年扶贫日活动",
        year=2015,
        county="青山县",
        starts_on="2015-09-01",
        ends_on="2015-12-31",
    )
    return Dataset.build(campaign, **county.tables)
