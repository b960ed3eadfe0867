"""The parallel run's order (tests/schedule.py): the longest tests first, the rest as collected,
and every name in HEAVY still names a test (a renamed test would silently drop out of it)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.schedule import HEAVY, heavy_first, rank

ROOT = Path(__file__).parent.parent


def test_every_heavy_name_is_a_test_of_the_suite() -> None:
    for name in HEAVY:
        path, _, test = name.partition("::")
        source = ROOT / path
        assert source.is_file(), name
        defined = re.findall(r"^(?:async )?def (test\w*)", source.read_text("utf-8"), re.M)
        function = test.partition("[")[0]
        assert any(d.startswith(function) for d in defined), name


def test_the_heavy_tests_come_first_in_their_order_and_the_rest_keep_theirs() -> None:
    first, second = HEAVY[0], HEAVY[1]
    items = ["tests/a.py::test_one", f"{second}[sqlite]", "tests/b.py::test_two",
             f"{first}", "tests/c.py::test_three[x]", f"{second}[postgres]"]
    assert heavy_first(items) == [first, f"{second}[sqlite]", f"{second}[postgres]",
                                  "tests/a.py::test_one", "tests/b.py::test_two",
                                  "tests/c.py::test_three[x]"]
    assert rank("tests/a.py::test_one") == len(HEAVY)
