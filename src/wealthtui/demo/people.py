"""Made-up people that pass the app's own validation: Chinese names with their pinyin keys,
18-digit resident ID numbers (region code, birth date, sequence, check digit via python-stdnum),
mobile numbers that phonenumbers accepts, Luhn-valid card numbers.

Every generator takes a `random.Random`, so a seed gives the same people every time.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

from wealthtui.demo.pools import pools
from wealthtui.rules.pinyin import name_keys

FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR = 1930, 2008


class Weighted:
    """A weighted choice with one random number and a bisection (cheaper than random.choices
    for the millions of picks of a large center)."""

    def __init__(self, items: Sequence[object], weights: Iterable[float]) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(float(w) for w in weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):  # type: ignore[no-untyped-def]
        return self.items[bisect_right(self.cum, rng.random() * self.total)]


@dataclass(frozen=True, slots=True)
class PersonName:
    name: str
    gender: str  # "M" | "F"
    pinyin: str
    initials: str


class NameMaker:
    """Names with surnames weighted by how common they are; a few rare characters and names of
    minority nationalities written with the middle dot."""

    def __init__(self, rng: random.Random) -> None:
        p = pools()["names"]
        self.rng = rng
        self.surnames = Weighted([s for s, _ in p["surnames"]], [w for _, w in p["surnames"]])
        self.given = {"M": p["given_male"], "F": p["given_female"]}
        self.rare = {"M": p["rare_male"], "F": p["rare_female"]}
        self.dotted = [(n, g) for n, g in p["dotted"]]

    def make(self, *, rare: bool = False, dotted: bool = False) -> PersonName:
        rng = self.rng
        if dotted:
            name, gender = rng.choice(self.dotted)
        else:
            gender = rng.choice("MF")
            surname = self.surnames.pick(rng)
            chars = [rng.choice(self.given[gender])]
            if rng.random() < 0.7:  # two-character given names are the more common
                chars.append(rng.choice(self.given[gender]))
            if rare:
                chars[-1] = rng.choice(self.rare[gender])
            name = surname + "".join(chars)
        full, initials = name_keys(name)
        return PersonName(name, gender, full, initials)


class NamePool:
    """A pool of distinct names with their pinyin keys worked out once; large populations draw
    from it (people share names in real life too), so pinyin is not recomputed per client."""

    def __init__(self, rng: random.Random, size: int, *, rare_share: float = 0.004,
                 dotted_share: float = 0.002) -> None:
        maker = NameMaker(rng)
        seen: dict[str, PersonName] = {}
        attempts = 0
        while len(seen) < size and attempts < size * 20:
            attempts += 1
            roll = rng.random()
            person = maker.make(rare=roll < rare_share,
                                dotted=rare_share <= roll < rare_share + dotted_share)
            seen.setdefault(person.name, person)
        self.names = list(seen.values())
        self.maker = maker
        self.given = 0  # fresh(): names[:given] have been given

    def pick(self, rng: random.Random) -> PersonName:
        return self.names[rng.randrange(len(self.names))]

    def fresh(self, rng: random.Random, namesake_share: float) -> PersonName:
        """A name nobody drawn by fresh() has yet, except for a `namesake_share` of the draws
        (a name already given); a pool used up gives namesakes."""
        n = self.given
        if n and rng.random() < namesake_share:
            return self.names[rng.randrange(n)]
        if n >= len(self.names):
            return self.pick(rng)
        k = n + rng.randrange(len(self.names) - n)
        self.names[n], self.names[k] = self.names[k], self.names[n]
        self.given += 1
        return self.names[n]


# --- resident identity numbers -------------------------------------------------------------------

def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@cache
def region_years() -> dict[str, tuple[int, int]]:
    """Region code → the birth years for which python-stdnum accepts it (its table dates codes)."""
    p = pools()["regions"]
    out: dict[str, tuple[int, int]] = {}
    for code in [*p["local"], *p["other"]]:
        years = [y for y in range(FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR + 1)
                 if ric.is_valid(_with_check(f"{code}{y}0615123"))]
        if years:
            out[code] = (years[0], years[-1])
    return out


class ResidentIds:
    """Unique, valid 18-digit resident ID numbers; the sequence digit's parity gives the sex."""

    def __init__(self, rng: random.Random) -> None:
        p = pools()["regions"]
        self.rng = rng
        self.years = region_years()
        self.codes = [c for c in [*p["local"], *p["other"]] if c in self.years]
        self.weight = {c: p["local_weight"] if c in p["local"] else 1 for c in self.codes}
        self.by_year: dict[int, Weighted] = {}
        self.issued: set[int] = set()

    def _regions(self, year: int) -> Weighted:
        """The region codes python-stdnum accepts for people born in `year`, weighted."""
        if year not in self.by_year:
            codes = [c for c in self.codes if self.years[c][0] <= year <= self.years[c][1]]
            self.by_year[year] = Weighted(codes, [self.weight[c] for c in codes])
        return self.by_year[year]

    def birth_date(self, today: date, *, youngest: int = 18, oldest: int = 88) -> date:
        """A client's birth date: adults, most of them between 35 and 65."""
        age = self.rng.triangular(youngest, oldest, 48)
        born = today - timedelta(days=int(age * 365.25))
        year = min(max(born.year, FIRST_BIRTH_YEAR), LAST_BIRTH_YEAR)
        return born.replace(year=year, day=min(born.day, 28))

    def make(self, born: date, gender: str) -> str:
        rng = self.rng
        code = self._regions(born.year).pick(rng)
        while True:
            seq = rng.randrange(1, 500) * 2 - (1 if gender == "M" else 0)  # odd = male
            body = f"{code}{born:%Y%m%d}{seq:03d}"
            key = int(body)
            if key not in self.issued:
                self.issued.add(key)
                return _with_check(body)


def other_id(rng: random.Random) -> tuple[str, str]:
    """(id type, number) for a client without a resident ID card."""
    kind = rng.choice(("passport", "hk_macau_pass", "hk_macau_pass", "taiwan_pass"))
    letter = {"passport": "E", "hk_macau_pass": "H", "taiwan_pass": ""}[kind]
    return kind, letter + "".join(rng.choice("0123456789") for _ in range(8))


# --- phones ---------------------------------------------------------------------------------------

def _is_mobile(text: str) -> bool:
    number = phonenumbers.parse(text, "CN")
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@cache
def mobile_prefixes() -> tuple[str, ...]:
    """Four-digit mainland prefixes whose every five-digit extension phonenumbers calls mobile."""
    keep = []
    for three in pools()["phones"]["mainland"]:
        for d4 in "0123456789":
            prefix = three + d4
            if all(_is_mobile(f"{prefix}{d5}{tail}") for d5 in "0123456789"
                   for tail in ("000000", "573921")):
                keep.append(prefix)
    return tuple(keep)


class Mobiles:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.prefixes = mobile_prefixes()
        self.hk = pools()["phones"]["hong_kong"]
        self.issued: set[int] = set()

    def make(self) -> str:
        while True:
            number = f"{self.rng.choice(self.prefixes)}{self.rng.randrange(10_000_000):07d}"
            key = int(number)
            if key not in self.issued:
                self.issued.add(key)
                return number

    def hong_kong(self) -> str:
        while True:
            number = f"{self.rng.choice(self.hk)}{self.rng.randrange(10_000_000):07d}"
            if _is_mobile(number):
                return number


# --- cards ----------------------------------------------------------------------------------------

class Cards:
    """19-digit card numbers: BIN, the center's code, a serial, the Luhn check digit."""

    def __init__(self, rng: random.Random, center_code: str) -> None:
        bins = pools()["cards"]["bins"]
        self.rng = rng
        self.bins = Weighted([(b, product) for b, product, _ in bins], [w for _, _, w in bins])
        #: the cards other than the wealth-account card (the first BIN)
        self.plain = Weighted(self.bins.items[1:], [w for _, _, w in bins[1:]])
        self.branch = "".join(ch for ch in center_code if ch.isdigit())[-4:].rjust(4, "0")
        self.serial = itertools.count(1)

    def make(self, *, premium: bool = False, plain: bool = False) -> tuple[str, str]:
        """(card number, product name). Premium clients carry the wealth-account card; `plain`:
        any card but that one; otherwise the BINs' weights decide."""
        if premium:
            bin_, product = self.bins.items[0]
        else:
            bin_, product = (self.plain if plain else self.bins).pick(self.rng)
        body = f"{bin_}{self.branch}{next(self.serial):08d}"
        return body + luhn.calc_check_digit(body), product
