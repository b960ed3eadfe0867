"""Made-up clients: the client row, cards, product holdings, the exclusive CM of every premium
client (with some CM changes in the past), tier changes and past contacts.

Shared by the demo center (a few hundred clients) and `wealthtui gen` (up to millions).
"""

from __future__ import annotations

import itertools
import math
import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wealthtui.config import Settings
from wealthtui.demo.bulk import BulkWriter, Ids, make_row
from wealthtui.demo.people import Cards, Mobiles, NamePool, ResidentIds, Weighted, other_id
from wealthtui.demo.pools import pools

# Share of clients per tier code; codes a branch adds to its config get an even share of the rest.
DEMO_TIER_MIX = {"ordinary": 0.40, "potential": 0.20, "premium": 0.33, "key": 0.07}
LARGE_TIER_MIX = {"ordinary": 0.70, "potential": 0.15, "premium": 0.13, "key": 0.02}


@dataclass(frozen=True)
class CardHolders:
    """Clients below the premium tiers who still hold the wealth-account card (their assets
    fell after it was issued): `share` of them, and `with_cm` of those have the exclusive CM
    the card entitles them to (manual ch.2 §5); the rest are the head's exceptions."""

    share: float
    with_cm: float


#: a large generated center: 2% of the others keep the card, 95% of those with their CM
LARGE_CARD_HOLDERS = CardHolders(share=0.02, with_cm=0.95)
# The money columns are 32-bit integers on PostgreSQL (model: `int` fields), so no generated
# AUM goes past 20 million yuan.
MAX_AUM_FEN = 2_000_000_000
# Clients' risk levels C1..C5: most are cautious or balanced.
RISK_MIX = Weighted((1, 2, 3, 4, 5), (2, 5, 6, 3, 1))


@dataclass
class Directory:
    """What the history generator needs to know about the clients, kept compact."""

    by_tier: dict[str, array] = field(default_factory=dict)
    cm_of: dict[int, int] = field(default_factory=dict)  # premium client → exclusive CM
    premium_tiers: frozenset[str] = frozenset()
    clients_of: dict[int, array] = field(default_factory=dict)  # CM → clients

    def add(self, client_id: int, tier: str, cm_id: int | None) -> None:
        self.by_tier.setdefault(tier, array("q")).append(client_id)
        if cm_id is not None:
            self.cm_of[client_id] = cm_id
            self.clients_of.setdefault(cm_id, array("q")).append(client_id)

    def pick(self, rng: random.Random, tiers: Sequence[str]) -> tuple[int, str] | None:
        """A random client of one of `tiers` (uniform over those clients), with its tier."""
        groups = [(t, self.by_tier[t]) for t in tiers if self.by_tier.get(t)]
        total = sum(len(ids) for _, ids in groups)
        if not total:
            return None
        k = rng.randrange(total)
        for tier, ids in groups:
            if k < len(ids):
                return int(ids[k]), tier
            k -= len(ids)
        raise AssertionError("unreachable")

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.by_tier.values())


def _at(day: date, tz: ZoneInfo, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tz).astimezone(UTC)


class Population:
    """Writes `n` clients through a BulkWriter and fills a Directory."""

    def __init__(
        self,
        rng: random.Random,
        settings: Settings,
        today: date,
        *,
        names: NamePool,
        wealth_cms: Sequence[int],
        marketing_cms: Sequence[int],
        assigned_by: int,
        tier_mix: dict[str, float],
        mobiles: Mobiles | None = None,
        namesake_share: float | None = None,
        card_holders: CardHolders | None = None,
    ) -> None:
        """`namesake_share`: the share of clients who get a name another client already has
        (the rest get a name of their own); None: names drawn from the pool with replacement
        (a large center, where namesakes come by themselves). `card_holders`: who below the
        premium tiers holds the wealth-account card and how many of them the center has given a
        CM; None: the pool's card weights decide and none of them has a CM (the demo)."""
        self.rng = rng
        self.settings = settings
        self.today = today
        self.tz = ZoneInfo(settings.center.timezone)
        self.names = names
        self.ids = ResidentIds(rng)
        self.mobiles = mobiles or Mobiles(rng)
        self.cards = Cards(rng, settings.center.code)
        self.wealth_cms = list(wealth_cms)
        self.marketing_cms = list(marketing_cms)
        self.cms = self.wealth_cms + self.marketing_cms
        order = list(self.wealth_cms or self.cms)
        rng.shuffle(order)
        self._turns = itertools.cycle(order)
        self.marketing_share = min(0.3, 0.2 * len(self.marketing_cms) / max(1, len(self.wealth_cms)))
        self.assigned_by = assigned_by
        self.premium = frozenset(t.code for t in settings.tiers if t.premium)
        tiers = settings.tiers
        rest = max(0.0, 1 - sum(tier_mix.get(t.code, 0) for t in tiers))
        unknown = [t for t in tiers if t.code not in tier_mix]
        self.tier_codes = [t.code for t in tiers]
        self.bands_mix = Weighted(range(len(tiers)), [tier_mix.get(t.code, rest / max(1, len(unknown)))
                                                      for t in tiers])
        # AUM bands in fen: [min of the tier, min of the next tier)
        self.bands: list[tuple[int, int]] = []
        for i, t in enumerate(tiers):
            lo = max(t.min_aum_fen, 100_000)  # at least 1,000 yuan
            hi = tiers[i + 1].min_aum_fen if i + 1 < len(tiers) else lo * 8
            hi = min(hi, MAX_AUM_FEN)
            self.bands.append((lo, max(hi, lo + 1)))
        p = pools()
        self.c = p["clients"]
        self.h = p["history"]
        terms = p["clients"]["product_terms"]
        # (code, name, risk level, term in days) of the configured shelf
        self.products = [(x.code, x.name, x.risk_level, int(terms.get(x.code, 0)))
                         for x in settings.contact.products]
        self.namesake_share = namesake_share
        self.directory = Directory(premium_tiers=self.premium)
        self.card_holders = card_holders

    # --- one client ----------------------------------------------------------------------------
    def _aum(self, band: int) -> int:
        lo, hi = self.bands[band]
        return int(lo * math.exp(self.rng.random() * math.log(hi / lo))) // 100 * 100

    def _cm_for(self) -> int:
        """Most premium clients sit with the wealth CMs, taken in turn so that the books stay
        even; the marketing CMs keep a few."""
        if self.marketing_cms and self.rng.random() < self.marketing_share:
            return self.rng.choice(self.marketing_cms)
        return next(self._turns)

    def client(self, out: BulkWriter, ids: Ids, *, rare: bool = False, dotted: bool = False) -> int:
        rng, today, c = self.rng, self.today, self.c
        cid = ids.next("client")
        if rare or dotted:
            person = self.names.maker.make(rare=rare, dotted=dotted)
        elif self.namesake_share is None:
            person = self.names.pick(rng)
        else:
            person = self.names.fresh(rng, self.namesake_share)
        band = self.bands_mix.pick(rng)
        aum = self._aum(band)
        tier = self.tier_codes[band]
        premium = tier in self.premium
        born = self.ids.birth_date(today)
        phone = self.mobiles.make() if rng.random() < 0.98 else ""
        if rng.random() < 0.985:
            id_type, id_number = "resident", self.ids.make(born, person.gender)
            age = today.year - born.year
            roll = rng.random()
            if age >= 46 and roll < 0.5:
                expires = None  # long-term card
            elif roll < 0.03:
                expires = today - timedelta(days=rng.randrange(1, 200))
            else:
                expires = today + timedelta(days=rng.randrange(30, 7300))
        else:
            (id_type, id_number), expires = other_id(rng), today + timedelta(days=rng.randrange(200, 3000))
            phone = self.mobiles.hong_kong() if id_type == "hk_macau_pass" else phone
        created = today - timedelta(days=rng.randrange(30, 12 * 365))
        risk = risk_on = None
        if premium or tier == "potential" or rng.random() < 0.3:
            risk = RISK_MIX.pick(rng)
            # most within the 365-day validity; a few expired or about to
            days = rng.randrange(1, 330) if rng.random() < 0.95 else rng.randrange(330, 400)
            risk_on = today - timedelta(days=days)
        rich = premium or (tier == "potential" and rng.random() < 0.6)
        row = make_row(
            "client", id=cid, name=person.name, name_pinyin=person.pinyin,
            name_initials=person.initials, title="先生" if person.gender == "M" else "女士",
            gender=person.gender, id_type=id_type, id_number=id_number, id_expires_on=expires,
            phone=phone, birthday=born,
            lunar_birthday=born.year < 1975 and rng.random() < 0.25,
            tier=tier, aum_fen=aum,
            aum_elsewhere_fen=(self._aum(band) // 2 if premium and rng.random() < 0.3 else 0),
            risk_level=risk, risk_assessed_on=risk_on,
            potential_signals="；".join(rng.sample(c["signals"], rng.randint(1, 2)))
            if tier == "potential" else "",
            occupation=rng.choice(c["occupations"]) if rich or rng.random() < 0.3 else "",
            household=rng.choice(c["households"]) if rich else "",
            income_band=rng.choice(c["income_bands"][2:] if premium else c["income_bands"])
            if rich else "",
            goals="、".join(rng.sample(c["goals"], 2)) if rich else "",
            interests="、".join(rng.sample(c["interests"], 2)) if premium else "",
            preferred_channel=rng.choice(c["channels"]) if rich else "",
            preferred_time=rng.choice(c["times"]) if rich else "",
            created_at=_at(created, self.tz),
        )
        out.add("client", row)
        holder = premium
        if not premium and self.card_holders is not None:
            holder = rng.random() < self.card_holders.share
        self._accounts(out, ids, cid, created, premium or holder,
                       plain=self.card_holders is not None)
        self._holdings(out, ids, cid, tier, aum, risk)
        cm = None
        served = premium or (holder and self.card_holders is not None
                             and rng.random() < self.card_holders.with_cm)
        if served and self.cms:
            cm = self._assign(out, ids, cid, created)
            if rng.random() < 0.15:
                out.add("tier_change", make_row(
                    "tier_change", id=ids.next("tier_change"), client_id=cid,
                    at=_at(created + timedelta(days=rng.randrange(1, 400)), self.tz),
                    from_tier=self.tier_codes[max(0, band - 1)], to_tier=tier,
                    by_staff_id=self.assigned_by))
        self.directory.add(cid, tier, cm)
        return cid

    def _accounts(self, out: BulkWriter, ids: Ids, cid: int, opened: date, premium: bool, *,
                  plain: bool = False) -> None:
        """`premium`: the first card is the wealth-account card; `plain`: no other card is."""
        for k in range(2 if self.rng.random() < 0.25 else 1):
            number, product = self.cards.make(premium=premium and k == 0, plain=plain)
            out.add("client_account", make_row(
                "client_account", id=ids.next("client_account"), client_id=cid, number=number,
                kind="card", product=product, opened_on=opened + timedelta(days=k * 200)))

    def _holdings(self, out: BulkWriter, ids: Ids, cid: int, tier: str, aum: int,
                  risk: int | None) -> None:
        rng = self.rng
        count = {"key": rng.randint(3, 6), "premium": rng.randint(2, 5),
                 "potential": rng.randint(0, 2)}.get(tier, 1 if rng.random() < 0.3 else 0)
        allowed = [p for p in self.products if p[2] <= (risk or 2)] or self.products
        for _ in range(count):
            code, name, product_risk, term = rng.choice(allowed)
            if term:
                # most maturities of the next days were already followed up (not kept here):
                # those left make the CMs' maturity reminders a few a day, not a pile
                soon = rng.random() < 0.15 or term <= 10
                start = self.today - timedelta(days=rng.randrange(term if soon else term - 10))
                maturity: date | None = start + timedelta(days=term)
            else:
                start, maturity = self.today - timedelta(days=rng.randrange(1, 1100)), None
            out.add("product_holding", make_row(
                "product_holding", id=ids.next("product_holding"), client_id=cid,
                product_code=code, product_name=name, risk_level=product_risk,
                amount_fen=max(100_000, aum // (count + 1) // 100_000 * 100_000),
                start_date=start, maturity_date=maturity))

    def _assign(self, out: BulkWriter, ids: Ids, cid: int, created: date) -> int:
        """One open assignment; some clients also have an earlier, ended one (a CM change)."""
        rng = self.rng
        cm = self._cm_for()
        start = created + timedelta(days=rng.randrange(0, 60))
        if len(self.cms) > 1 and rng.random() < 0.08:
            before = rng.choice([x for x in self.cms if x != cm])
            changed = max(start + timedelta(days=1),
                          self.today - timedelta(days=rng.randrange(5, 700)))
            out.add("cm_assignment", make_row(
                "cm_assignment", id=ids.next("cm_assignment"), client_id=cid, cm_id=before,
                start_at=_at(start, self.tz), end_at=_at(changed, self.tz, 9),
                assigned_by=self.assigned_by, reason="首次分配"))
            start, reason = changed, "客户经理调整"
        else:
            reason = "首次分配"
        out.add("cm_assignment", make_row(
            "cm_assignment", id=ids.next("cm_assignment"), client_id=cid, cm_id=cm,
            start_at=_at(min(start, self.today - timedelta(days=1)), self.tz, 9, 30), end_at=None,
            assigned_by=self.assigned_by, reason=reason))
        self.past_contacts(out, ids, cid, cm, start)
        return cm

    def past_contacts(self, out: BulkWriter, ids: Ids, cid: int, cm: int, since: date) -> None:
        """Earlier contacts of the CM with the client; about one in eight has none for 90+ days."""
        rng, h = self.rng, self.h
        horizon = (self.today - since).days
        if horizon < 3:
            return
        roll = rng.random()
        # the tier's cadence is about a month: most were contacted within it, a few are a
        # little late, a very few not for 90 days and more
        newest = rng.randrange(91, 200) if roll < 0.02 else rng.randrange(30, 40) \
            if roll < 0.06 else rng.randrange(1, 30)
        for k in range(rng.randint(1, 3)):
            ago = min(horizon - 1, newest + k * rng.randrange(20, 60))
            day = self.today - timedelta(days=ago)
            purpose = rng.choice(h["contact_purposes"])
            follow = day + timedelta(days=rng.randrange(7, 60)) if k == 0 else None
            if follow is not None and follow < self.today and rng.random() > 0.05:
                follow = None  # followed up in person or by a later call (not kept here)
            if k == 0 and rng.random() < 0.1:
                follow = self.today  # a call the CM planned for today
            out.add("contact_log", make_row(
                "contact_log", id=ids.next("contact_log"), client_id=cid, staff_id=cm,
                at=_at(day, self.tz, rng.randrange(9, 17), rng.randrange(60)),
                channel=rng.choice(h["contact_channels"]), purpose=purpose,
                content=rng.choice(h["contact_contents"]), result=rng.choice(h["contact_results"]),
                next_action=rng.choice(h["next_actions"]),
                next_date=follow))
